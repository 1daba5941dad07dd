// Concatenated MOs and [[numbers]] through the engine (docs/api.md "Inbound messages to
// producers"): parts are acked once kept, recorded as one message, keyword-checked on the
// whole text, and forwarded to the account of the number they went to.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "delivery/inbound_parts.h"
#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

constexpr const char* kSubscriber = "+447911123456";
constexpr int64_t kAfterAll = 1'000'000'000'000'000;

EngineSetup WithNumbers() {
  EngineSetup setup;
  setup.options.numbers = {{"+447700900123", "acme", "https://acme.example/inbound"}, {"60060", "globex", ""}};
  return setup;
}

class EngineInboundPartsTest : public EngineTest {
 protected:
  bool Part(const std::string& to, const std::string& text, uint32_t reference, int total, int sequence) {
    auto acked = std::make_shared<std::atomic<int>>(-1);
    engine_->OnInbound("A",
                       carriers::CarrierInbound{kSubscriber, to, text,
                                                carriers::InboundConcat{reference, total, sequence}},
                       [acked](bool recorded) { *acked = recorded ? 1 : 0; });
    EXPECT_TRUE(RunUntil([&] { return *acked >= 0; })) << "the part was never acknowledged";
    return *acked == 1;
  }
  std::vector<store::InboundRecord> Inbound() { return *store_->ListInbound(store::InboundQuery{}); }
};

TEST_F(EngineInboundPartsTest, ThreePartsOutOfOrderAreOneForwardedMessage) {
  ASSERT_NO_FATAL_FAILURE(Start(WithNumbers()));
  ASSERT_TRUE(Part("447700900123", "world", 9, 3, 2));
  ASSERT_TRUE(Part("447700900123", "!", 9, 3, 3));
  EXPECT_TRUE(Inbound().empty()) << "nothing is recorded before the set is whole";
  ASSERT_TRUE(Part("447700900123", "Hello ", 9, 3, 1));
  ASSERT_TRUE(RunUntil([&] { return Inbound().size() == 1; }));
  const store::InboundRecord mo = Inbound()[0];
  EXPECT_EQ(mo.body, "Hello world!");
  EXPECT_EQ(mo.account, "acme") << "matched without the '+'";
  EXPECT_EQ(*store_->PendingInboundParts(), 0);
  auto due = store_->DueWebhooks(kAfterAll, 10, {});
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE((*due)[0].inbound.has_value());
  EXPECT_EQ((*due)[0].inbound->text, "Hello world!");
  EXPECT_EQ((*due)[0].url, "https://acme.example/inbound");
}

TEST_F(EngineInboundPartsTest, AStopSplitAcrossPartsOptsOut) {
  ASSERT_NO_FATAL_FAILURE(Start(WithNumbers()));
  ASSERT_TRUE(Part("60060", "ST", 200, 2, 1));
  ASSERT_TRUE(Part("60060", "OP", 200, 2, 2));
  ASSERT_TRUE(RunUntil([&] { return Inbound().size() == 1; }));
  EXPECT_EQ(Inbound()[0].keyword_action, "opt_out");
  EXPECT_EQ(Inbound()[0].account, "globex");
  EXPECT_TRUE(store_->DueWebhooks(kAfterAll, 10, {})->empty()) << "no inbound_url: not forwarded";
}

TEST_F(EngineInboundPartsTest, AnIncompleteSetIsRecordedAsWhatArrivedOnceExpired) {
  ASSERT_NO_FATAL_FAILURE(Start(WithNumbers()));
  ASSERT_TRUE(Part("+447700900999", "first ", 1, 3, 1));
  ASSERT_TRUE(Part("+447700900999", "third", 1, 3, 3));
  clock_.Advance(kPartsTimeout + Millis(1));
  ASSERT_TRUE(RunUntil([&] { return Inbound().size() == 1; }));
  EXPECT_EQ(Inbound()[0].body, "first third");
  EXPECT_EQ(Inbound()[0].account, "") << "unassigned";
  EXPECT_EQ(*store_->PendingInboundParts(), 0);
}

}  // namespace
}  // namespace deliverer::delivery::testing
