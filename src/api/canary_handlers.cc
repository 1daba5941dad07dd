// Canary roll-outs for operators (docs/api.md "Canary roll-outs"): which are configured,
// which their guard halted and why, and the resume that lifts a halt.
#include <algorithm>
#include <string_view>

#include "api/api.h"
#include "api/request_helpers.h"
#include "api/views.h"
#include "common/time_format.h"

namespace deliverer::api {

using boost::asio::awaitable;

namespace {

nlohmann::json GuardJson(const routing::GuardOptions& g) {
  return {{"enabled", g.enabled},
          {"min_samples", g.min_samples},
          {"max_submit_error_margin", g.max_submit_error_margin},
          {"max_delivery_ratio_drop", g.max_delivery_ratio_drop},
          {"max_receipt_latency_ratio", g.max_receipt_latency_ratio},
          {"window_s", g.window_ms / 1000}};
}

nlohmann::json HaltJson(const store::CanaryHalt& halt) {
  return {{"reason", halt.reason}, {"detail", halt.detail}, {"halted_at", FormatRfc3339(halt.halted_at_ms)}};
}

// One configured roll-out; `halt` its halt, if any.
nlohmann::json RolloutJson(const routing::Router& router, const routing::RouteRule& rule,
                           const store::CanaryHalt* halt) {
  const routing::CanaryRule& canary = *rule.canary;
  nlohmann::json carriers = nlohmann::json::array();
  for (size_t index : canary.selection.carriers) carriers.push_back(router.carriers()[index].id);
  return {{"flag", canary.flag},
          {"route", rule.match},
          {"configured", true},
          {"percent", canary.percent},
          {"effective_percent", halt != nullptr ? 0.0 : canary.percent},
          {"carriers", carriers},
          {"guard", GuardJson(canary.guard)},
          {"halted", halt != nullptr},
          {"halt", halt != nullptr ? HaltJson(*halt) : nlohmann::json(nullptr)}};
}

}  // namespace

awaitable<Response> Api::ListCanaries(Context& ctx) {
  auto halts = stores_.canaries.ListCanaryHalts();
  if (!halts.ok()) co_return StorageFailure(halts.error(), ctx.caller.request_id);
  std::map<std::string, const store::CanaryHalt*> by_flag;
  for (const store::CanaryHalt& halt : *halts) by_flag[halt.flag] = &halt;
  nlohmann::json data = nlohmann::json::array();
  if (options_.routes != nullptr) {
    const std::shared_ptr<const routing::Router> router = options_.routes->Get();
    for (const routing::RouteRule& rule : router->routes()) {
      if (!rule.canary) continue;
      const auto halt = by_flag.find(rule.canary->flag);
      data.push_back(RolloutJson(*router, rule, halt != by_flag.end() ? halt->second : nullptr));
      if (halt != by_flag.end()) by_flag.erase(halt);
    }
  }
  // Halts of roll-outs no route has any more: still halted until resumed.
  for (const auto& [flag, halt] : by_flag) {
    data.push_back({{"flag", flag}, {"route", halt->route}, {"configured", false}, {"halted", true},
                    {"halt", HaltJson(*halt)}});
  }
  co_return JsonResponse(200, Dump({{"data", data}}));
}

namespace {

constexpr size_t kMaxFlagBytes = 128;

bool PlausibleFlag(std::string_view flag) {
  return !flag.empty() && flag.size() <= kMaxFlagBytes &&
         std::none_of(flag.begin(), flag.end(), [](char c) { return c == '/' || static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

awaitable<Response> Api::ResumeCanary(Context& ctx) {
  const std::string flag = ctx.path_param;
  // A flag is an id of the configuration's: one with a percent-decoded slash, a control
  // byte or hundreds of bytes is no halted roll-out, answered without a write.
  if (!PlausibleFlag(flag)) {
    co_return Reject(Error::Of("not_found", "no halted canary roll-out has that flag"));
  }
  const int64_t now = clock_.NowUnixMillis();
  store::AuditEntry audit{0, now, ctx.caller.key_id, ctx.caller.account, ctx.caller.source_ip,
                          "canary.resume", flag, ctx.caller.request_id};
  Status resumed = co_await AwaitCallback<Status>(
      [&](auto done) { stores_.canaries.ResumeCanary(flag, std::move(audit), std::move(done)); });
  if (!resumed.ok() && resumed.error().code == "not_found") {
    co_return Reject(Error::Of("not_found", "no halted canary roll-out has that flag"));
  }
  if (!resumed.ok()) co_return StorageFailure(resumed.error(), ctx.caller.request_id);
  if (options_.canary_halts != nullptr) options_.canary_halts->Resume(flag);
  co_return JsonResponse(200, Dump({{"flag", flag}, {"halted", false}}));
}

}  // namespace deliverer::api
