// The control API's operations and routes (docs/simulator.md "Control API").
#include <fmt/format.h>

#include "common/log.h"
#include "common/mask.h"
#include "sim/engine.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;
using boost::asio::awaitable;

HttpReply Reply(unsigned status, const Json& body) {
  HttpReply reply;
  reply.status = status;
  reply.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return reply;
}

HttpReply ErrorReply(unsigned status, const Error& error) {
  Json body = {{"error", error.code}, {"detail", error.detail}};
  if (!error.field.empty()) body["key"] = error.field;
  return Reply(status, body);
}

Result<Json> ParseBody(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Error::Of("invalid_json", "the body is not JSON");
  return parsed;
}

// POST /mo: "via" is "smpp" (deliver_sm, the default) or "http" (a post to inbound_url).
struct MoCall {
  MoRequest request;
  std::string via = "smpp";
};

Result<MoCall> ParseMo(const Json& body) {
  if (!body.is_object()) return Error::Of("invalid_value", "the body must be a JSON object");
  MoCall call;
  MoRequest& request = call.request;
  for (const auto& [key, value] : body.items()) {
    std::string* field = key == "from"        ? &request.from
                         : key == "to"        ? &request.to
                         : key == "text"      ? &request.text
                         : key == "system_id" ? &request.system_id
                         : key == "via"       ? &call.via
                                              : nullptr;
    if (field == nullptr) {
      return Error::Of("unknown_key", fmt::format("unknown key '{}'", key), key);
    }
    if (!value.is_string()) {
      return Error::Of("invalid_value", fmt::format("'{}' must be a string", key), key);
    }
    *field = value.get<std::string>();
  }
  if (call.via != "smpp" && call.via != "http") {
    return Error::Of("invalid_value", "'via' must be \"smpp\" or \"http\"", "via");
  }
  return call;
}

HttpReply MoReply(const Result<int>& sent) {
  if (sent.ok()) return Reply(200, {{"sent", *sent}});
  return ErrorReply(sent.error().code == "no_receiver" ? 409 : 400, sent.error());
}

}  // namespace

awaitable<HttpReply> Engine::HandleControl(const HttpRequest& request) {
  const std::string_view method = request.method, path = request.path;
  const bool get = method == "GET", post = method == "POST";
  if (path == "/healthz" && get) co_return Reply(200, {{"ok", true}});
  if (path == "/config" && get) co_return Reply(200, ToJson(config_, Secrets::kMask));
  if (path == "/config" && method == "PATCH") {
    auto patch = ParseBody(request.body);
    if (!patch.ok()) co_return ErrorReply(400, patch.error());
    auto updated = PatchConfig(*patch);
    if (!updated.ok()) co_return ErrorReply(400, updated.error());
    co_return Reply(200, ToJson(*updated, Secrets::kMask));
  }
  if (path == "/stats" && get) {
    Json stats = ToJson(StatsNow());
    stats["connections"] = links_.size();
    stats["bound"] = links_.bound();
    stats["receipts_pending"] = desk_.pending() + http_desk_.pending();
    stats["http_connections"] = carrier_.connections();
    co_return Reply(200, stats);
  }
  if (path == "/mo" && post) {
    auto parsed = ParseBody(request.body);
    auto call = parsed.ok() ? ParseMo(*parsed) : Result<MoCall>(parsed.error());
    if (!call.ok()) co_return ErrorReply(400, call.error());
    if (call->via == "http") co_return co_await InjectMoHttp(call->request);
    co_return MoReply(InjectMo(call->request));
  }
  if (path == "/disconnect" && post) co_return Reply(200, {{"disconnected", DisconnectAll()}});
  if (path == "/reset" && post) {
    ResetStats();
    co_return Reply(200, ToJson(stats_));
  }
  const bool known = path == "/healthz" || path == "/config" || path == "/stats" || path == "/mo" ||
                     path == "/disconnect" || path == "/reset";
  if (known) co_return ErrorReply(405, Error::Of("method_not_allowed", "method not allowed"));
  co_return ErrorReply(404, Error::Of("not_found", "no such route"));
}

Result<int> Engine::InjectMo(const MoRequest& request) {
  Link* link = request.system_id.empty() ? links_.NextAnyReceiver()
                                         : links_.NextReceiver(request.system_id);
  if (link == nullptr) {
    return Error::Of("no_receiver", "no receiver or transceiver bind to deliver the MO on");
  }
  auto pdus = MakeMo(request, ++mo_reference_);
  if (!pdus.ok()) return pdus.error();
  for (smpp::DeliverSm& pdu : *pdus) {
    const uint32_t seq = link->NextSeq();
    link->outstanding[seq] = Outstanding{false, 0};
    link->channel->Send(smpp::MakePdu(std::move(pdu), seq));
    ++stats_.mo_sent;
  }
  log::Info("sim", "MO from {} to {}: {} deliver_sm on bind {}", MaskNumber(request.from),
            MaskNumber(request.to), pdus->size(), link->id);
  return static_cast<int>(pdus->size());
}

awaitable<HttpReply> Engine::InjectMoHttp(const MoRequest& request) {
  if (!inbound_poster_.has_url()) {
    co_return ErrorReply(409, Error::Of("no_inbound_url", "http.inbound_url is not set"));
  }
  const char* missing = request.from.empty() ? "from"
                        : request.to.empty()   ? "to"
                        : request.text.empty() ? "text"
                                               : nullptr;
  if (missing != nullptr) {
    co_return ErrorReply(400, Error::Of("invalid_field", fmt::format("{} is required", missing),
                                        missing));
  }
  const httpc::Outcome outcome =
      co_await inbound_poster_.PostNow(InboundBody(request.from, request.to, request.text));
  log::Info("sim", "MO from {} to {} by http: {}", MaskNumber(request.from), MaskNumber(request.to),
            outcome.status != 0 ? fmt::format("answered {}", outcome.status) : outcome.error);
  if (outcome.ok()) {
    ++stats_.http_mo_sent;
    co_return Reply(200, {{"sent", 1}, {"status", outcome.status}});
  }
  if (outcome.status != 0) {
    co_return Reply(502, {{"error", "inbound_refused"}, {"status", outcome.status}});
  }
  co_return ErrorReply(502, Error::Of("inbound_failed", outcome.error));
}

int Engine::DisconnectAll() {
  int count = 0;
  links_.ForEach([&](Link& link) {
    if (link.closing) return;
    Disconnect(link, config_.faults.cut_pdu);
    ++count;
  });
  const size_t http = carrier_.DropConnections();
  stats_.disconnects += http;
  count += static_cast<int>(http);
  log::Info("sim", "control: {} connections dropped", count);
  return count;
}

}  // namespace deliverer::sim
