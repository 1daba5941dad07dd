// The control API's operations and routes (docs/simulator.md "Control API").
#include <fmt/format.h>

#include "common/log.h"
#include "common/mask.h"
#include "sim/engine.h"

namespace deliverer::sim {
namespace {

using Json = nlohmann::json;

ControlReply Reply(unsigned status, const Json& body) { return {status, body.dump()}; }

ControlReply ErrorReply(unsigned status, const Error& error) {
  Json body = {{"error", error.code}, {"detail", error.detail}};
  if (!error.field.empty()) body["key"] = error.field;
  return Reply(status, body);
}

Result<Json> ParseBody(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Error::Of("invalid_json", "the body is not JSON");
  return parsed;
}

Result<MoRequest> ParseMo(const Json& body) {
  if (!body.is_object()) return Error::Of("invalid_value", "the body must be a JSON object");
  MoRequest request;
  for (const auto& [key, value] : body.items()) {
    std::string* field = key == "from"        ? &request.from
                         : key == "to"        ? &request.to
                         : key == "text"      ? &request.text
                         : key == "system_id" ? &request.system_id
                                              : nullptr;
    if (field == nullptr) {
      return Error::Of("unknown_key", fmt::format("unknown key '{}'", key), key);
    }
    if (!value.is_string()) {
      return Error::Of("invalid_value", fmt::format("'{}' must be a string", key), key);
    }
    *field = value.get<std::string>();
  }
  return request;
}

}  // namespace

ControlReply Engine::HandleControl(std::string_view method, std::string_view path,
                                   const std::string& body) {
  const bool get = method == "GET", post = method == "POST";
  if (path == "/healthz" && get) return Reply(200, {{"ok", true}});
  if (path == "/config" && get) return Reply(200, ToJson(config_));
  if (path == "/config" && method == "PATCH") {
    auto patch = ParseBody(body);
    if (!patch.ok()) return ErrorReply(400, patch.error());
    auto updated = PatchConfig(*patch);
    return updated.ok() ? Reply(200, ToJson(*updated)) : ErrorReply(400, updated.error());
  }
  if (path == "/stats" && get) {
    Json stats = ToJson(StatsNow());
    stats["connections"] = links_.size();
    stats["bound"] = links_.bound();
    stats["receipts_pending"] = desk_.pending();
    return Reply(200, stats);
  }
  if (path == "/mo" && post) {
    auto parsed = ParseBody(body);
    auto request = parsed.ok() ? ParseMo(*parsed) : Result<MoRequest>(parsed.error());
    if (!request.ok()) return ErrorReply(400, request.error());
    auto sent = InjectMo(*request);
    if (sent.ok()) return Reply(200, {{"sent", *sent}});
    return ErrorReply(sent.error().code == "no_receiver" ? 409 : 400, sent.error());
  }
  if (path == "/disconnect" && post) return Reply(200, {{"disconnected", DisconnectAll()}});
  if (path == "/reset" && post) {
    ResetStats();
    return Reply(200, ToJson(stats_));
  }
  const bool known = path == "/healthz" || path == "/config" || path == "/stats" || path == "/mo" ||
                     path == "/disconnect" || path == "/reset";
  if (known) return ErrorReply(405, Error::Of("method_not_allowed", "method not allowed"));
  return ErrorReply(404, Error::Of("not_found", "no such route"));
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

int Engine::DisconnectAll() {
  int count = 0;
  links_.ForEach([&](Link& link) {
    if (link.closing) return;
    Disconnect(link, config_.faults.cut_pdu);
    ++count;
  });
  log::Info("sim", "control: {} connections dropped", count);
  return count;
}

}  // namespace deliverer::sim
