#pragma once
// The acceptance of a producer's message, one pipeline for every way in: POST /v1/messages
// (message_handlers.cc) and the SMPP server for producers (smppd/, docs/smpp-server.md).
// In order: back-pressure, validation (validation::Validator::ParseMessage, the same rules
// and the same JSON form whatever carried the message), the opt-out lists, send_at, the
// cost estimate, the durable insert with idempotency (store::MessageStore::InsertMessages,
// group commit), and the hand-over of what was created to the delivery queue.
//
// Accept's answer comes only once the message is durable, or refused: a caller that says
// "accepted" to its producer on kCreated or kReplayed keeps docs/reliability.md R1.
//
// Threading: Accept is a coroutine for the I/O thread that runs the API (validation and the
// opt-out read run on ApiOptions::validation_pool when there is one); Estimate and
// PublishCreated are thread-safe. The Acceptor borrows everything it is given.
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "common/clock.h"
#include "metrics/metrics.h"
#include "store/compliance_store.h"
#include "store/message_store.h"
#include "validation/request.h"

namespace deliverer::api {

struct ApiOptions;

// One message to accept.
struct Submission {
  std::string json;  // the message as POST /v1/messages takes it
  Caller caller;     // who sends it: key id, account, source address, request id
  // Set after validation, so that rules for producers' URLs do not apply to them: where a
  // producer's SMPP receipt goes (store/records.h ProducerReceiptUrl); "" keeps the request's.
  std::string callback_url;
  // store::NewMessage::consumes_parts and ::rejected, for a reassembled SMPP submit.
  std::optional<store::InboundPartsKey> consumes_parts;
  std::optional<model::MessageError> rejected;
};

enum class AcceptOutcome : uint8_t {
  kCreated,      // durable now
  kReplayed,     // the same message_id and payload was accepted before: `record` is it
  kRefused,      // `error` says why (a docs/api.md code: invalid_destination, conflict, ...)
  kOverloaded,   // the queue is over its high-water mark (`error` overloaded)
  kUnavailable,  // the store failed (`error` storage_unavailable); nothing was stored
};

struct Acceptance {
  AcceptOutcome outcome = AcceptOutcome::kRefused;
  store::MessageRecord record;  // kCreated, kReplayed
  Error error;                  // the others
};

class Acceptor {
 public:
  Acceptor(store::MessageStore& messages, store::ComplianceStore& suppressions,
           const validation::Validator& validator, metrics::Registry& metrics, Clock& clock,
           const ApiOptions& options);

  boost::asio::awaitable<Acceptance> Accept(Submission submission);

  // The pieces the batch endpoint shares (message_handlers.cc).
  // Sets each message's cost estimate from the routes in use (api/estimate.h).
  void Estimate(std::vector<store::NewMessage>& batch) const;
  // Hands the messages created now to the delivery queue.
  void PublishCreated(const std::vector<Result<store::InsertResult>>& results) const;
  std::optional<Error> CheckOverloaded() const;
  // The message's send_at checked against acceptance at `now_ms` (docs/api.md "Scheduled
  // sends"): at most 30 days ahead; one in the past means now.
  static std::optional<Error> CheckSendAt(const validation::ValidatedMessage& message, int64_t now_ms);
  static store::NewMessage ToNewMessage(validation::ValidatedMessage&& message, const Caller& caller,
                                        int64_t now_ms);
  static Error Suppressed();
  static Error Conflict(const std::string& id);
  void CountAccepted(const std::string& account) const;
  void CountRejected(const std::string& code) const;

 private:
  // Validation and the opt-out read, off the I/O thread when there is a pool.
  boost::asio::awaitable<std::pair<Result<validation::ValidatedMessage>, Result<bool>>> Check(
      const Submission& submission);

  store::MessageStore& messages_;
  store::ComplianceStore& suppressions_;
  const validation::Validator& validator_;
  metrics::Registry& metrics_;
  Clock& clock_;
  const ApiOptions& options_;
};

}  // namespace deliverer::api
