#include "common/thread_name.h"

#include <pthread.h>

#include <string>

namespace deliverer {

void NameThisThread(std::string_view name) {
  constexpr size_t kLinuxLimit = 15;
  const std::string cut(name.substr(0, kLinuxLimit));
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace deliverer
