#include "dashboard/assets.h"

namespace deliverer::dashboard {

const Asset* FindAsset(std::string_view url_path) {
  constexpr std::string_view kPrefix = "/dashboard/";
  std::string_view name;
  if (url_path == "/") {
    name = "index.html";
  } else if (url_path.starts_with(kPrefix)) {
    name = url_path.substr(kPrefix.size());
  } else {
    return nullptr;
  }
  for (size_t i = 0; i < kAssetCount; ++i) {
    if (kAssets[i].name == name) return &kAssets[i];
  }
  return nullptr;
}

std::string_view ContentType(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/plain; charset=utf-8";
}

}  // namespace deliverer::dashboard
