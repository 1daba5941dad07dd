#pragma once
// Where the API hands the carrier callbacks it has authenticated (POST /v1/dlr/{carrier}
// and POST /v1/inbound/{carrier}, docs/api.md "Carrier callbacks"). The API checks who is
// calling (api/carrier_callbacks.h) and answers; the sink reads the body and records what
// it says, so the receipt format stays with the carrier code that knows it. The
// implementation is carriers/http/callback_sink.h; server/ only hands it to the API.
//
// Contract: each call ends in exactly one `done`, with
//   - Status::Ok() once the receipt or message is durable (the API answers 200 recorded);
//   - "invalid_json", or "invalid_field" with the field named, when the body does not read;
//     nothing is recorded (400, the error as it is);
//   - "storage_unavailable" when it could not be recorded now (503: the carrier retries).
// `content_type` and `body` are read before the call returns and not kept. `done` may run
// before the call returns, or later on any thread.
//
// Threading: the calls come from the API's I/O thread; an implementation must be safe to
// call there while its carriers run on the delivery thread.
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace deliverer::carriers {

class CallbackSink {
 public:
  using Done = std::function<void(Status)>;

  virtual ~CallbackSink() = default;
  // A delivery receipt the carrier `carrier` POSTed.
  virtual void OnReceiptBody(const std::string& carrier, std::string_view content_type, std::string_view body,
                             Done done) = 0;
  // An inbound (MO) message the carrier `carrier` POSTed.
  virtual void OnInboundBody(const std::string& carrier, std::string_view content_type, std::string_view body,
                             Done done) = 0;
};

}  // namespace deliverer::carriers
