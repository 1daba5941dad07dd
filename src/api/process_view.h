#pragma once
// What the API reports of the rest of its process, for the admin carriers view and
// /readyz (docs/api.md "Readiness detail"). server/ passes the objects that know: the
// delivery runtime and the credential watch. The API renders what they say.
#include <cstdint>
#include <string>
#include <vector>

#include "auth/credential_age.h"
#include "carriers/carrier.h"

namespace deliverer::api {

// One carrier as GET /v1/admin/carriers shows it.
struct CarrierStatus {
  carriers::CarrierState state;
  std::string circuit;  // "closed", "open" or "half_open"
};

struct DeliveryStatus {
  std::vector<CarrierStatus> carriers;  // in configuration order
  int64_t queue_depth = 0;
};

// What the API reports of the delivering side of this process: the admin carriers view
// and readiness. server/ passes the delivery runtime. Any thread.
class DeliveryView {
 public:
  virtual ~DeliveryView() = default;
  virtual DeliveryStatus Snapshot() const = 0;
  // Carriers with a link up, for /readyz.
  virtual int CarriersUp() const = 0;
};

// Credentials due for rotation, for the /readyz detail. Any thread.
class CredentialReport {
 public:
  virtual ~CredentialReport() = default;
  // Oldest first; empty when nothing is due.
  virtual std::vector<auth::AgingCredential> Aging() const = 0;
};

}  // namespace deliverer::api
