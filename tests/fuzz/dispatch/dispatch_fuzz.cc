// libFuzzer target: a dispatch message as it comes from RabbitMQ (rabbitmq/dispatch_message.h),
// bytes the broker hands over and anyone with access to it may have put there. Whatever
// decodes must encode back to exactly the bytes it came from: one form per delivery.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "rabbitmq/dispatch_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto delivery = deliverer::rabbitmq::DecodeDispatch(body);
  if (delivery && deliverer::rabbitmq::EncodeDispatch(*delivery) != body) {
    std::fprintf(stderr, "dispatch_fuzz: decoded, but encodes to something else\n");
    std::abort();
  }
  return 0;
}
