#pragma once
// What the API reports of the rest of its process, for the admin carriers view and
// /readyz (docs/api.md "Readiness detail"). server/ passes the objects that know: the
// delivery runtime and the credential watch.
#include <nlohmann/json.hpp>

#include <string>

namespace deliverer::api {

// What the API reports of the delivering side of this process: the admin carriers view
// and readiness. server/ passes the delivery runtime. Any thread.
class DeliveryView {
 public:
  virtual ~DeliveryView() = default;
  // The body of GET /v1/admin/carriers.
  virtual std::string CarriersJson() const = 0;
  // Carriers with a link up, for /readyz.
  virtual int CarriersUp() const = 0;
};

// Credentials due for rotation, for the /readyz detail. Any thread.
class CredentialReport {
 public:
  virtual ~CredentialReport() = default;
  // [{"kind","id","age_days"}]; [] when nothing is due.
  virtual nlohmann::json AgingJson() const = 0;
};

}  // namespace deliverer::api
