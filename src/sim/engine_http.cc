// What the HTTP carrier answers to each request (docs/simulator.md "HTTP carrier"). The
// decision is the SMPP path's (decide.h, the same token bucket and id counter); only the
// wire differs.
#include <boost/beast/http/field.hpp>

#include "common/log.h"
#include "sim/engine.h"
#include "sim/receipt_pdu.h"

namespace deliverer::sim {
namespace {

using boost::asio::awaitable;
using boost::beast::http::field;

HttpReply ToReply(WireAnswer answer) {
  HttpReply reply;
  reply.status = answer.status;
  reply.body = std::move(answer.body);
  return reply;
}

}  // namespace

awaitable<HttpReply> Engine::HandleCarrier(const HttpRequest& request) {
  std::vector<uint64_t> early;
  HttpReply reply = CarrierReply(request, early);
  // An early receipt is posted, and answered, before the answer is written.
  for (uint64_t id : early) co_await http_desk_.SendAwaited(id);
  co_return reply;
}

HttpReply Engine::CarrierReply(const HttpRequest& request, std::vector<uint64_t>& early) {
  if (config_.faults.black_hole) return BlackHole(request);
  if (Unavailable()) {
    ++stats_.http_refused;
    HttpReply reply = ToReply(ErrorAnswer(503, "unavailable"));
    reply.close = true;
    return reply;
  }
  if (request.path != "/send") return ToReply(ErrorAnswer(404, "not_found"));
  if (request.method != "POST") return ToReply(ErrorAnswer(405, "method_not_allowed"));
  if (!BearerMatches(request.Header(field::authorization), config_.http.token)) {
    ++stats_.http_refused;
    log::Info("sim", "http {}: /send unauthorized", request.connection);
    return ToReply(ErrorAnswer(401, "unauthorized"));
  }
  auto send = ParseSendRequest(request.Header(field::content_type), request.body);
  if (!send.ok()) {
    ++stats_.http_refused;
    log::Info("sim", "http {}: /send invalid ({})", request.connection,
              send.error().field.empty() ? "body" : send.error().field);
    return ToReply(ErrorAnswer(400, "invalid_request"));
  }
  return SubmitHttp(*send, request.connection, early);
}

// Like an SMPP black hole: what arrives is counted and recorded, nothing is answered.
HttpReply Engine::BlackHole(const HttpRequest& request) {
  HttpReply reply;
  reply.answer = false;
  if (request.path != "/send" || request.method != "POST") return reply;
  auto send = ParseSendRequest(request.Header(field::content_type), request.body);
  if (!send.ok()) return reply;
  ++stats_.submits;
  ++stats_.http_submits;
  RecordHttp(request.connection, *send, "", std::nullopt, "");
  return reply;
}

bool Engine::Unavailable() const {
  return config_.faults.refuse_binds || InOutage(config_.faults, SecondsSinceStart());
}

HttpReply Engine::SubmitHttp(const SendRequest& send, uint64_t connection,
                             std::vector<uint64_t>& early) {
  ++stats_.submits;
  ++stats_.http_submits;
  const bool throttled = bucket_.rate() > 0 && !bucket_.TryTake(Steady::now());
  const SubmitDecision d = DecideSubmit(config_, throttled, send.receipt, rng_);
  const uint64_t counter = CountAnswer(d.kind);
  const std::string carrier_id = d.kind == AnswerKind::kAccepted ? FormatCarrierId(counter) : "";
  WireAnswer answer = SendAnswer(d, carrier_id);
  RecordHttp(connection, send, carrier_id, answer.status, answer.body);
  std::vector<uint64_t> receipts;
  if (d.receipt.send) receipts = MakeHttpReceipts(d, counter);
  if (d.receipt.early) receipts.swap(early);
  HttpReply reply = ToReply(std::move(answer));
  reply.delay = d.latency;
  if (!receipts.empty()) {
    reply.after = [this, receipts = std::move(receipts), delay = d.receipt.delay] {
      for (uint64_t id : receipts) {
        if (delay.count() == 0) {
          http_desk_.SendNow(id);
        } else {
          http_desk_.SendAfter(id, delay);
        }
      }
    };
  }
  return reply;
}

std::vector<uint64_t> Engine::MakeHttpReceipts(const SubmitDecision& d, uint64_t counter) {
  const int64_t done_ms = NowMs() + (d.latency + d.receipt.delay).count();
  std::string body = ReceiptBody(FormatCarrierId(counter, config_.receipts.id_form),
                                 d.receipt.outcome, done_ms);
  std::vector<uint64_t> ids;
  if (d.receipt.duplicate) ids.push_back(http_desk_.Create(body));
  ids.push_back(http_desk_.Create(std::move(body)));
  return ids;
}

void Engine::RecordHttp(uint64_t connection, const SendRequest& send, std::string_view carrier_id,
                        std::optional<unsigned> status, std::string_view answer) {
  if (!record_.is_open()) return;
  const HttpRecordMeta meta{NowMs(), connection, carrier_id, status, answer};
  AppendHttpRecordLine(record_.buffer(), meta, send);
  record_.Appended();
}

void Engine::ApplyHttpConfig() {
  const HttpConfig& c = config_.http;
  dlr_poster_.Configure(c.dlr_url, c.dlr_token, c.dlr_connections);
  inbound_poster_.Configure(c.inbound_url, c.dlr_token, 1);
}

}  // namespace deliverer::sim
