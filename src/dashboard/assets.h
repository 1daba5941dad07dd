#pragma once
// The operator dashboard's static files (HTML, JS, CSS, the vendored Chart.js and its
// license), compiled into the binary from src/dashboard/assets/ so that it serves the
// page with nothing fetched from elsewhere. The page holds no data: its script asks
// GET /v1/admin/dashboard with the operator's admin key.
//
// Thread-safety: immutable data, any thread.
#include <cstddef>
#include <string_view>

namespace deliverer::dashboard {

struct Asset {
  std::string_view name;   // its path under assets/, e.g. "vendor/chart.min.js"
  std::string_view bytes;
};

// The asset a GET of `url_path` serves: "/" is index.html, "/dashboard/NAME" the file NAME
// under assets/. nullptr for any other path.
const Asset* FindAsset(std::string_view url_path);
// The Content-Type for an asset's name, by its extension.
std::string_view ContentType(std::string_view name);

// The generated table (assets_data.cc).
extern const Asset kAssets[];
extern const size_t kAssetCount;

}  // namespace deliverer::dashboard
