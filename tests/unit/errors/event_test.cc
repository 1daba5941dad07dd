// What one event says and how it is wrapped (errors/event.h): scrubbed text only, in the
// envelope format of Sentry's POST /api/{project}/envelope/.
#include "errors/event.h"

#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace deliverer::errors {
namespace {

using Json = nlohmann::json;

constexpr const char* kEventId = "0123456789abcdef0123456789abcdef";
constexpr int64_t kAt = 1'764'098'165'123;  // 2025-11-25T19:16:05.123Z

TEST(ScrubTest, ANumberInAMessageIsMasked) {
  EXPECT_EQ(Scrub("no route for +442071838750"), "no route for +4420****8750");
  EXPECT_EQ(Scrub("no route for 442071838750"), "no route for 4420****8750");
  EXPECT_EQ(Scrub("code 123456 rejected"), "code ****56 rejected");
}

TEST(ScrubTest, ShortNumbersStay) {
  EXPECT_EQ(Scrub("read 4096 bytes at offset 12345 of 127.0.0.1:8080"),
            "read 4096 bytes at offset 12345 of 127.0.0.1:8080");
}

// Libraries quote the input that failed (nlohmann: "last read: '…'"), which may be a body.
TEST(ScrubTest, QuotedTextIsBlanked) {
  EXPECT_EQ(Scrub("syntax error; last read: 'Your code is 1234'"), "syntax error; last read: '\u2026'");
  EXPECT_EQ(Scrub(R"(near "SELEC": syntax error)"), "near \"\u2026\": syntax error");
  EXPECT_EQ(Scrub("can't open the file"), "can't open the file");
  EXPECT_EQ(Scrub("unterminated 'Hello there"), "unterminated '\u2026");
}

TEST(ScrubTest, LongMessagesAreCutOnACharacterBoundary) {
  const std::string message = std::string(kMaxMessageBytes - 1, 'a') + "\u00e9\u00e9";
  const std::string scrubbed = Scrub(message);
  EXPECT_EQ(scrubbed, std::string(kMaxMessageBytes - 1, 'a') + "\u2026");
}

TEST(TagValueTest, OnlyIdentifiersAreTags) {
  EXPECT_EQ(TagValue("0190a3b4-5678-7abc-8def-0123456789ab"), "0190a3b4-5678-7abc-8def-0123456789ab");
  EXPECT_EQ(TagValue("deliverer@0.1.0"), "deliverer@0.1.0");
  EXPECT_EQ(TagValue("+442071838750 hello"), "");
  EXPECT_EQ(TagValue(std::string(65, 'a')), "");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Event AnError() {
  Event event;
  event.component = "http";
  event.type = "std::length_error";
  event.message = Scrub("field value too large for +442071838750");
  event.correlation_id = "0190a3b4-5678-7abc-8def-0123456789ab";
  event.unix_millis = kAt;
  event.release = "deliverer@0.1.0";
  return event;
}

TEST(EnvelopeTest, HeaderItemHeaderAndEventEachOnALine) {
  const std::string envelope = Envelope(AnError(), kEventId, "", kAt + 5);
  const std::vector<std::string> lines = Lines(envelope);
  ASSERT_EQ(lines.size(), 3u) << envelope;
  const Json header = Json::parse(lines[0]);
  EXPECT_EQ(header["event_id"], kEventId);
  EXPECT_EQ(header["sent_at"], "2025-11-25T19:16:05.128Z");
  EXPECT_FALSE(header.contains("dsn"));
  const Json item = Json::parse(lines[1]);
  EXPECT_EQ(item["type"], "event");
  EXPECT_EQ(item["length"], lines[2].size());
  EXPECT_TRUE(envelope.ends_with(lines[2] + "\n"));
}

TEST(EnvelopeTest, TheEventSaysWhatWhereAndWhichRelease) {
  const Json event = Json::parse(Lines(Envelope(AnError(), kEventId, "production", kAt))[2]);
  EXPECT_EQ(event["event_id"], kEventId);
  EXPECT_EQ(event["timestamp"], "2025-11-25T19:16:05.123Z");
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["platform"], "native");
  EXPECT_EQ(event["release"], "deliverer@0.1.0");
  EXPECT_EQ(event["environment"], "production");
  EXPECT_EQ(event["tags"]["component"], "http");
  EXPECT_EQ(event["tags"]["correlation_id"], "0190a3b4-5678-7abc-8def-0123456789ab");
  const Json& exception = event["exception"]["values"][0];
  EXPECT_EQ(exception["type"], "std::length_error");
  EXPECT_EQ(exception["value"], "field value too large for +4420****8750");
  EXPECT_EQ(exception["mechanism"]["handled"], false);
  EXPECT_FALSE(event.contains("server_name"));
  EXPECT_FALSE(event.contains("user"));
}

TEST(EnvelopeTest, WithoutEnvironmentOrCorrelationNeitherIsSent) {
  Event error = AnError();
  error.correlation_id.clear();
  const Json event = Json::parse(Lines(Envelope(error, kEventId, "", kAt))[2]);
  EXPECT_FALSE(event.contains("environment"));
  EXPECT_FALSE(event["tags"].contains("correlation_id"));
}

TEST(EnvelopeTest, ACrashIsFatalWithItsSignal) {
  Event crash;
  crash.level = Level::kFatal;
  crash.component = "delivery";
  crash.type = SignalName(SIGSEGV);
  crash.message = "fatal signal 11 (SIGSEGV) on thread delivery";
  crash.signal = SIGSEGV;
  crash.unix_millis = kAt;
  crash.release = "deliverer@0.1.0";
  const Json event = Json::parse(Lines(Envelope(crash, kEventId, "", kAt))[2]);
  EXPECT_EQ(event["level"], "fatal");
  const Json& exception = event["exception"]["values"][0];
  EXPECT_EQ(exception["type"], "SIGSEGV");
  EXPECT_EQ(exception["mechanism"]["type"], "signalhandler");
  EXPECT_EQ(exception["mechanism"]["meta"]["signal"]["number"], SIGSEGV);
  EXPECT_EQ(exception["mechanism"]["meta"]["signal"]["name"], "SIGSEGV");
}

}  // namespace
}  // namespace deliverer::errors
