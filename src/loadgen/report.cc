#include "loadgen/report.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace deliverer::loadgen {
namespace {

using Json = nlohmann::json;

double Round(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

double Millis(uint64_t micros) { return Round(static_cast<double>(micros) / 1000.0, 3); }

template <class Map>
std::string JoinCounts(const Map& counts) {
  std::string out;
  for (const auto& [name, n] : counts)
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name, n);
  return out.empty() ? "none" : out;
}

Json LatencyJson(const LatencySummary& s) {
  return {{"count", s.count}, {"p50", s.p50_ms},    {"p90", s.p90_ms},
          {"p99", s.p99_ms},  {"p99_9", s.p999_ms}, {"max", s.max_ms}};
}

std::string LatencyRow(std::string_view name, const LatencySummary& s) {
  if (s.count == 0) return fmt::format("  {:<20} {:>9}\n", name, 0);
  return fmt::format("  {:<20} {:>9} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}\n", name, s.count,
                     s.p50_ms, s.p90_ms, s.p99_ms, s.p999_ms, s.max_ms);
}

Json OptionalNumber(const std::optional<double>& value) {
  return value ? Json(Round(*value, 3)) : Json(nullptr);
}

std::string LoadLine(const Report& r) {
  std::string mode =
      r.rate > 0 ? fmt::format("open loop at {:g} msg/s", r.rate) : "flat out (closed loop)";
  std::string length =
      r.count > 0 ? fmt::format("{} messages", r.count) : fmt::format("{:g} s", r.duration_s);
  std::string shape = r.batch > 0 ? fmt::format("batches of {}", r.batch) : "single POSTs";
  return fmt::format("load        {}, {} connections, {}, {}, mix {}\n", mode, r.connections,
                     length, shape, r.mix);
}

std::string DeliveryLines(const Report& r) {
  if (!r.track) {
    return fmt::format(
        "delivery    not tracked (--track none); waited {:.1f} s for the gateway's counter{}\n",
        r.drain_s, r.drain_timed_out ? " (timed out)" : "");
  }
  std::string out = fmt::format(
      "delivery    {} delivered = {:.1f}/s over {:.2f} s (first accept to last delivery); {} sent; "
      "{} outstanding after a {:.1f} s drain{}\n",
      r.delivered, r.delivered_per_s, r.delivery_window_s, r.sent_events, r.outstanding, r.drain_s,
      r.drain_timed_out ? " (timed out)" : "");
  if (r.outstanding > 0) {
    out +=
        "            (delivery figures cover only the messages whose webhooks came; see gateway)\n";
  }
  out += fmt::format("statuses    {}\n", JoinCounts(r.final_statuses));
  out +=
      fmt::format("webhooks    {} received, {} duplicate, {} foreign, {}\n", r.webhooks_received,
                  r.webhooks_duplicate, r.webhooks_foreign,
                  r.signatures_checked ? fmt::format("{} bad signatures", r.webhooks_bad_signature)
                                       : std::string("signatures not checked"));
  return out;
}

std::string GatewayLine(const Report& r) {
  if (!r.gateway) return "gateway     /metrics not read\n";
  const GatewayFigures& g = *r.gateway;
  return fmt::format("gateway     /metrics: +{} accepted, +{} delivered = {:.1f}/s{}\n", g.accepted,
                     g.delivered, g.delivered_per_s,
                     g.delivered_settled ? "" : " (still rising at the end)");
}

// Bytes per accepted message: what an operator's retention window costs on disk.
std::optional<double> StoreBytesPerMessage(const Report& r) {
  if (!r.store_bytes || r.accepted == 0) return std::nullopt;
  return static_cast<double>(*r.store_bytes) / static_cast<double>(r.accepted);
}

std::string StoreLine(const Report& r) {
  const auto per_message = StoreBytesPerMessage(r);
  if (!per_message) return {};
  return fmt::format("store       {:.1f} MB on disk after serve stopped, {:.0f} bytes per accepted message\n",
                     static_cast<double>(*r.store_bytes) / 1e6, *per_message);
}

std::string CpuLine(const Report& r) {
  std::string out = fmt::format("cpu         loadgen {:.2f} cores", r.cpu.loadgen_cores);
  if (r.cpu.serve_cores) out += fmt::format(", serve {:.2f}", *r.cpu.serve_cores);
  if (r.cpu.api_cores) out += fmt::format(", serve --role api {:.2f}", *r.cpu.api_cores);
  if (r.cpu.sim_cores) out += fmt::format(", sim {:.2f}", *r.cpu.sim_cores);
  out += fmt::format(" (over the {:.2f} s send window)", r.cpu.window_s);
  if (r.cpu.serve_peak_rss_mib) out += fmt::format("; serve peak RSS {:.0f} MiB", *r.cpu.serve_peak_rss_mib);
  out += "\n";
  if (!r.cpu.serve_threads.empty()) {
    out += "serve cpu  ";
    const char* separator = " ";
    for (const ThreadCores& t : r.cpu.serve_threads) {
      out += fmt::format("{}{} {:.2f}", separator, t.name, t.cores);
      separator = ", ";
    }
    out += " (cores, per thread)\n";
  }
  return out;
}

Json DeliveryJson(const Report& r) {
  return {{"tracked", r.track},
          {"sent", r.sent_events},
          {"delivered", r.delivered},
          {"delivered_per_s", Round(r.delivered_per_s, 1)},
          {"window_s", Round(r.delivery_window_s, 3)},
          {"outstanding", r.outstanding},
          {"final_statuses", r.final_statuses},
          {"drain_s", Round(r.drain_s, 3)},
          {"drain_timed_out", r.drain_timed_out},
          {"webhooks",
           {{"received", r.webhooks_received},
            {"duplicate", r.webhooks_duplicate},
            {"foreign", r.webhooks_foreign},
            {"bad_signature", r.webhooks_bad_signature},
            {"signatures_checked", r.signatures_checked}}}};
}

Json RequestsJson(const Report& r) {
  Json statuses = Json::object();
  for (const auto& [status, n] : r.http_statuses) statuses[std::to_string(status)] = n;
  return {{"sent", r.requests_sent},
          {"answered", r.requests_answered},
          {"transport_errors", r.transport_errors},
          {"timeouts", r.timeouts},
          {"http_statuses", statuses}};
}

Json MessagesJson(const Report& r) {
  uint64_t rejected_total = 0;
  for (const auto& entry : r.rejected) rejected_total += entry.second;
  return {{"sent", r.messages_sent},
          {"accepted", r.accepted},
          {"accepted_per_s", Round(r.accepted_per_s, 1)},
          {"send_window_s", Round(r.send_window_s, 3)},
          {"rejected_total", rejected_total},
          {"rejected", Json(r.rejected)},
          {"unsent_behind_schedule", r.unsent_behind_schedule}};
}

Json GatewayJson(const Report& r) {
  if (!r.gateway) return nullptr;
  return {{"accepted", r.gateway->accepted},
          {"delivered", r.gateway->delivered},
          {"delivered_per_s", Round(r.gateway->delivered_per_s, 1)},
          {"delivered_settled", r.gateway->delivered_settled}};
}

}  // namespace

LatencySummary Summarize(const Histogram& micros) {
  return LatencySummary{micros.count(),
                        Millis(micros.Percentile(0.50)),
                        Millis(micros.Percentile(0.90)),
                        Millis(micros.Percentile(0.99)),
                        Millis(micros.Percentile(0.999)),
                        Millis(micros.max())};
}

std::string FormatText(const Report& r) {
  uint64_t rejected_total = 0;
  for (const auto& entry : r.rejected) rejected_total += entry.second;
  std::string out = fmt::format("deliverer bench: {}{}\n", r.url, r.spawned ? " (spawned)" : "");
  out += LoadLine(r);
  out +=
      fmt::format("requests    {} sent, {} answered, {} transport errors, {} timeouts; HTTP {}\n",
                  r.requests_sent, r.requests_answered, r.transport_errors, r.timeouts,
                  JoinCounts(r.http_statuses));
  out +=
      fmt::format("messages    {} sent, {} accepted = {:.1f}/s over {:.2f} s, {} rejected",
                  r.messages_sent, r.accepted, r.accepted_per_s, r.send_window_s, rejected_total);
  out += rejected_total > 0 ? fmt::format(" ({})\n", JoinCounts(r.rejected)) : "\n";
  if (r.unsent_behind_schedule > 0) {
    out += fmt::format("behind      {} messages due within the duration were never sent\n",
                       r.unsent_behind_schedule);
  }
  out += DeliveryLines(r) + GatewayLine(r) + CpuLine(r) + StoreLine(r);
  out += fmt::format("\n  {:<20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "latency (ms)", "count",
                     "p50", "p90", "p99", "p99.9", "max");
  out += LatencyRow("accept", r.accept);
  if (r.track) {
    out += LatencyRow("accept to sent", r.accept_to_sent);
    out += LatencyRow("accept to delivered", r.accept_to_delivered);
    out += LatencyRow("webhook lag", r.webhook_lag);
  }
  return out;
}

std::string FormatJson(const Report& r) {
  Json load = {{"connections", r.connections},
               {"mode", r.rate > 0 ? "open_loop" : "closed_loop"},
               {"rate", r.rate},
               {"duration_s", r.count > 0 ? Json(nullptr) : Json(r.duration_s)},
               {"count", r.count > 0 ? Json(r.count) : Json(nullptr)},
               {"batch", r.batch},
               {"mix", r.mix},
               {"track", r.track ? "delivered" : "none"}};
  Json latency = {{"accept", LatencyJson(r.accept)},
                  {"accept_to_sent", LatencyJson(r.accept_to_sent)},
                  {"accept_to_delivered", LatencyJson(r.accept_to_delivered)},
                  {"webhook_lag", LatencyJson(r.webhook_lag)}};
  Json cpu = {{"window_s", Round(r.cpu.window_s, 3)},
              {"loadgen_cores", Round(r.cpu.loadgen_cores, 3)},
              {"serve_cores", OptionalNumber(r.cpu.serve_cores)},
              {"sim_cores", OptionalNumber(r.cpu.sim_cores)},
              {"api_cores", OptionalNumber(r.cpu.api_cores)},
              {"serve_peak_rss_mib", OptionalNumber(r.cpu.serve_peak_rss_mib)},
              {"serve_threads", Json::object()}};
  for (const ThreadCores& t : r.cpu.serve_threads) cpu["serve_threads"][t.name] = Round(t.cores, 3);
  Json out = {{"target", {{"url", r.url}, {"spawned", r.spawned}}},
              {"load", load},
              {"requests", RequestsJson(r)},
              {"messages", MessagesJson(r)},
              {"delivery", DeliveryJson(r)},
              {"latency_ms", latency},
              {"gateway", GatewayJson(r)},
              {"cpu", cpu},
              {"store", {{"bytes", r.store_bytes ? Json(*r.store_bytes) : Json(nullptr)},
                         {"bytes_per_message", OptionalNumber(StoreBytesPerMessage(r))}}}};
  return out.dump(2) + "\n";
}

}  // namespace deliverer::loadgen
