#include "loadgen/message_gen.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "validation/request.h"

namespace deliverer::loadgen {
namespace {

using Json = nlohmann::json;

constexpr const char* kCallback = "http://127.0.0.1:40123/hook";

MessageGenerator Tracking(Mix mix = Mix{{70, 10, 20}}) {
  return MessageGenerator(GeneratorOptions{mix, kCallback, "0a1b2c3d"});
}

// The gateway's own validator, allowing callbacks to loopback as the spawned config does.
const validation::Validator& GatewayValidator() {
  static const auto validator = validation::Validator::Create({{}, true});
  return **validator;
}

TEST(MessageGeneratorTest, SingleBodyIsTheJsonTheApiDescribes) {
  const MessageGenerator gen = Tracking();
  std::string body;
  gen.WriteBody(42, 1, false, body);
  const Json json = Json::parse(body);
  EXPECT_EQ(json["from"], "Deliverer");
  EXPECT_EQ(json["to"].get<std::string>().substr(0, 3), "+44");
  EXPECT_EQ(json["client_ref"], "lg0a1b2c3d-42");
  EXPECT_EQ(json["callback_url"], kCallback);
  EXPECT_NE(json["body"].get<std::string>().find("000042"), std::string::npos);
  EXPECT_EQ(json.size(), 5U);
}

TEST(MessageGeneratorTest, WithoutTrackingNoCallbackNorClientRef) {
  const MessageGenerator gen(GeneratorOptions{Mix{{1, 0, 0}}, "", "x"});
  std::string body;
  gen.WriteBody(7, 1, false, body);
  const Json json = Json::parse(body);
  EXPECT_FALSE(json.contains("callback_url"));
  EXPECT_FALSE(json.contains("client_ref"));
}

TEST(MessageGeneratorTest, EveryKindPassesTheGatewayValidatorWithItsSegmentCount) {
  const MessageGenerator gen = Tracking();
  std::string body;
  std::set<model::Encoding> encodings;
  for (uint64_t seq = 0; seq < 200; ++seq) {
    gen.WriteBody(seq * 999'983, 1, false, body);  // codes from 000000 to 999999
    auto validated = GatewayValidator().ParseMessage(body);
    ASSERT_TRUE(validated.ok()) << body << ": " << validated.error().detail;
    const MessageKind kind = gen.KindOf(seq * 999'983);
    EXPECT_EQ(validated->segments, gen.SegmentsOf(seq * 999'983)) << KindName(kind);
    EXPECT_EQ(validated->encoding,
              kind == MessageKind::kUcs2 ? model::Encoding::kUcs2 : model::Encoding::kGsm7)
        << KindName(kind);
    encodings.insert(validated->encoding);
  }
  EXPECT_EQ(encodings.size(), 2U);
}

TEST(MessageGeneratorTest, KindsFollowTheMix) {
  const MessageGenerator gen = Tracking(Mix{{70, 10, 20}});
  int multipart = 0, ucs2 = 0;
  for (uint64_t seq = 0; seq < 1000; ++seq) {
    multipart += gen.KindOf(seq) == MessageKind::kMultipart;
    ucs2 += gen.KindOf(seq) == MessageKind::kUcs2;
  }
  EXPECT_EQ(multipart, 200);
  EXPECT_EQ(ucs2, 100);
}

TEST(MessageGeneratorTest, BatchBodyPassesTheGatewayValidator) {
  const MessageGenerator gen = Tracking();
  std::string body;
  gen.WriteBody(1000, 25, true, body);
  auto batch = GatewayValidator().ParseBatch(body);
  ASSERT_TRUE(batch.ok()) << batch.error().detail;
  ASSERT_EQ(batch->size(), 25U);
  for (size_t i = 0; i < batch->size(); ++i) {
    ASSERT_TRUE((*batch)[i].ok()) << i;
    EXPECT_EQ((*batch)[i]->client_ref, "lg0a1b2c3d-" + std::to_string(1000 + i));
  }
}

TEST(MessageGeneratorTest, BodyBufferIsReplacedNotAppended) {
  const MessageGenerator gen = Tracking();
  std::string body = "left over";
  gen.WriteBody(1, 1, false, body);
  EXPECT_EQ(body.front(), '{');
  EXPECT_TRUE(Json::accept(body));
}

TEST(MessageGeneratorTest, DestinationsAreAllValidDistinctAndSpread) {
  std::set<std::string> seen;
  std::string number;
  for (uint64_t seq = 0; seq < kDestinationCount; ++seq) {
    number.clear();
    MessageGenerator::AppendDestination(seq, number);
    ASSERT_TRUE(GatewayValidator().ValidateDestination(number).ok()) << number;
    seen.insert(number);
  }
  EXPECT_EQ(seen.size(), kDestinationCount);  // a permutation: every number once
  std::string first, second;
  MessageGenerator::AppendDestination(0, first);
  MessageGenerator::AppendDestination(1, second);
  EXPECT_NE(first.substr(0, 10), second.substr(0, 10));  // neighbours in different ranges
}

TEST(MessageGeneratorTest, SeqOfReadsBackThisRunsClientRefsOnly) {
  const MessageGenerator gen = Tracking();
  EXPECT_EQ(gen.SeqOf("lg0a1b2c3d-0"), 0U);
  EXPECT_EQ(gen.SeqOf("lg0a1b2c3d-123456789"), 123456789U);
  EXPECT_FALSE(gen.SeqOf("lgffffffff-12"));  // another run
  EXPECT_FALSE(gen.SeqOf("lg0a1b2c3d-"));
  EXPECT_FALSE(gen.SeqOf("lg0a1b2c3d-12x"));
  EXPECT_FALSE(gen.SeqOf("order-991"));
  EXPECT_FALSE(gen.SeqOf(""));
}

}  // namespace
}  // namespace deliverer::loadgen
