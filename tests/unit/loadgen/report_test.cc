#include "loadgen/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace deliverer::loadgen {
namespace {

using Json = nlohmann::json;

Report Sample() {
  Report r;
  r.url = "http://127.0.0.1:8080";
  r.connections = 64;
  r.rate = 2500;
  r.duration_s = 20;
  r.mix = "gsm7:70,ucs2:10,multipart:20";
  r.track = true;
  r.spawned = true;
  r.requests_sent = r.requests_answered = r.messages_sent = 50'000;
  r.http_statuses = {{202, 49'990}, {429, 10}};
  r.accepted = 49'990;
  r.rejected = {{"rate_limited", 10}};
  r.send_window_s = 20.004;
  r.accepted_per_s = 2499.0;
  r.delivered = 49'000;
  r.sent_events = 49'500;
  r.outstanding = 990;
  r.final_statuses = {{"delivered", 49'000}};
  r.drain_s = 30;
  r.drain_timed_out = true;
  r.signatures_checked = true;
  Histogram accept;
  for (uint64_t us : {900, 1200, 1500, 40'000}) accept.Record(us);
  r.accept = Summarize(accept);
  r.gateway = GatewayFigures{49'990, 49'990, 2400.5, true};
  r.cpu = CpuFigures{20.0, 0.21, 1.3, 0.05};
  r.cpu.serve_threads = {{"writer", 0.46}, {"validation", 0.19}, {"deliverer", 0.17}};
  r.store_bytes = 24'995'000;
  return r;
}

TEST(ReportTest, SummarizeConvertsMicrosToMillis) {
  Histogram h;
  for (uint64_t us = 1; us <= 1000; ++us) h.Record(us * 10);  // 10 µs … 10 ms
  const LatencySummary s = Summarize(h);
  EXPECT_EQ(s.count, 1000U);
  EXPECT_NEAR(s.p50_ms, 5.0, 5.0 / 128);
  EXPECT_NEAR(s.p99_ms, 9.9, 9.9 / 128);
  EXPECT_DOUBLE_EQ(s.max_ms, 10.0);
  EXPECT_LE(s.p50_ms, s.p90_ms);
  EXPECT_LE(s.p90_ms, s.p99_ms);
  EXPECT_LE(s.p99_ms, s.p999_ms);
  EXPECT_LE(s.p999_ms, s.max_ms);
}

TEST(ReportTest, JsonHoldsEveryFigure) {
  const Json j = Json::parse(FormatJson(Sample()));
  EXPECT_EQ(j["target"]["url"], "http://127.0.0.1:8080");
  EXPECT_EQ(j["target"]["spawned"], true);
  EXPECT_EQ(j["load"]["mode"], "open_loop");
  EXPECT_EQ(j["load"]["rate"], 2500);
  EXPECT_EQ(j["load"]["duration_s"], 20);
  EXPECT_TRUE(j["load"]["count"].is_null());
  EXPECT_EQ(j["load"]["batch"], 0);
  EXPECT_EQ(j["load"]["track"], "delivered");
  EXPECT_EQ(j["requests"]["http_statuses"]["429"], 10);
  EXPECT_EQ(j["messages"]["accepted"], 49'990);
  EXPECT_EQ(j["messages"]["rejected"]["rate_limited"], 10);
  EXPECT_EQ(j["messages"]["rejected_total"], 10);
  EXPECT_EQ(j["messages"]["accepted_per_s"], 2499.0);
  EXPECT_EQ(j["delivery"]["delivered"], 49'000);
  EXPECT_EQ(j["delivery"]["outstanding"], 990);
  EXPECT_EQ(j["delivery"]["drain_timed_out"], true);
  EXPECT_EQ(j["delivery"]["final_statuses"]["delivered"], 49'000);
  EXPECT_EQ(j["delivery"]["webhooks"]["signatures_checked"], true);
  for (const char* name : {"accept", "accept_to_sent", "accept_to_delivered", "webhook_lag"}) {
    for (const char* field : {"count", "p50", "p90", "p99", "p99_9", "max"}) {
      EXPECT_TRUE(j["latency_ms"][name][field].is_number()) << name << "." << field;
    }
  }
  EXPECT_EQ(j["latency_ms"]["accept"]["max"], 40.0);
  EXPECT_NEAR(j["latency_ms"]["accept"]["p50"].get<double>(), 1.2, 1.2 / 128);
  EXPECT_EQ(j["gateway"]["delivered_per_s"], 2400.5);
  EXPECT_EQ(j["cpu"]["loadgen_cores"], 0.21);
  EXPECT_EQ(j["cpu"]["serve_cores"], 1.3);
  EXPECT_EQ(j["cpu"]["serve_threads"]["writer"], 0.46);
  EXPECT_EQ(j["cpu"]["serve_threads"]["deliverer"], 0.17);
  EXPECT_EQ(j["store"]["bytes"], 24'995'000);
  EXPECT_EQ(j["store"]["bytes_per_message"], 500.0);
}

TEST(ReportTest, JsonOfACountRunWithoutGatewayFigures) {
  Report r = Sample();
  r.rate = 0;
  r.count = 200;
  r.duration_s = 0;
  r.gateway.reset();
  r.cpu.serve_cores.reset();
  r.store_bytes.reset();
  const Json j = Json::parse(FormatJson(r));
  EXPECT_EQ(j["load"]["mode"], "closed_loop");
  EXPECT_EQ(j["load"]["count"], 200);
  EXPECT_TRUE(j["load"]["duration_s"].is_null());
  EXPECT_TRUE(j["gateway"].is_null());
  EXPECT_TRUE(j["cpu"]["serve_cores"].is_null());
  EXPECT_TRUE(j["store"]["bytes_per_message"].is_null());
}

TEST(ReportTest, TextIsAShortTable) {
  const std::string text = FormatText(Sample());
  EXPECT_NE(text.find("deliverer bench: http://127.0.0.1:8080 (spawned)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("open loop at 2500 msg/s, 64 connections, 20 s, single POSTs"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("49990 accepted = 2499.0/s"), std::string::npos) << text;
  EXPECT_NE(text.find("10 rejected (rate_limited 10)"), std::string::npos) << text;
  EXPECT_NE(text.find("990 outstanding after a 30.0 s drain (timed out)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("+49990 delivered = 2400.5/s"), std::string::npos) << text;
  EXPECT_NE(text.find("loadgen 0.21 cores, serve 1.30, sim 0.05"), std::string::npos) << text;
  EXPECT_NE(text.find("serve cpu   writer 0.46, validation 0.19, deliverer 0.17 (cores, per thread)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("store       25.0 MB on disk after serve stopped, 500 bytes per accepted message"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("p99.9"), std::string::npos) << text;
  EXPECT_NE(text.find("accept to delivered"), std::string::npos) << text;
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 20);
}

TEST(ReportTest, TextWithoutTracking) {
  Report r = Sample();
  r.track = false;
  const std::string text = FormatText(r);
  EXPECT_NE(text.find("not tracked (--track none)"), std::string::npos);
  EXPECT_EQ(text.find("accept to delivered"), std::string::npos);
}

}  // namespace
}  // namespace deliverer::loadgen
