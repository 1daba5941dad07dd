#pragma once
#include "metrics/metrics.h"

namespace deliverer::server {

// Declares every metric of docs/operations.md "Metrics" so /metrics lists each from
// start-up, even at zero, before the component that feeds it has counted anything.
void DeclareMetrics(metrics::Registry& registry);

}  // namespace deliverer::server
