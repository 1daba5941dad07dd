#pragma once
// Builds a carrier connector from its [[carriers]] section (docs/configuration.md): the
// SMPP or the HTTP kind by `protocol`, with the section's settings in the connector's own
// option types. The connector runs on `executor` and reports to `listener`.
#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "carriers/carrier.h"
#include "common/clock.h"
#include "common/result.h"
#include "config/config.h"
#include "receipts/carrier_id.h"

namespace deliverer::carriers {

// Errors: those of http::HttpCarrier::Create ("invalid_url", "tls_trust").
Result<std::unique_ptr<Carrier>> MakeCarrier(boost::asio::any_io_executor executor,
                                             const config::CarrierConfig& config, CarrierListener& listener,
                                             const Clock& clock);

// How the carrier writes its message ids in receipts (`receipt_id_match`).
receipts::CarrierIdMatch IdMatchOf(const config::CarrierConfig& config);

}  // namespace deliverer::carriers
