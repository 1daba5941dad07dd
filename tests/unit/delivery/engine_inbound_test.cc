// docs/reliability.md S11 through the engine: a keyword MO changes the suppression lists and
// creates its confirmation in one commit; messages queued for the number end rejected
// without reaching the carrier, while the confirmation itself goes out.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "engine_fixture.h"

namespace deliverer::delivery::testing {
namespace {

using model::Status;

constexpr const char* kSubscriber = "+447911123456";

EngineSetup WithReplies(std::vector<std::string> extra_keywords = {}) {
  EngineSetup setup;
  setup.options.extra_opt_out_keywords = std::move(extra_keywords);
  return setup;
}

class EngineInboundTest : public EngineTest {
 protected:
  // Hands an MO from the subscriber to "Deliverer" (the fixture's sender) to the engine;
  // true once it is durable.
  bool Mo(const std::string& text, const std::string& from = kSubscriber) {
    auto acked = std::make_shared<std::atomic<int>>(-1);  // the ack runs on the store's thread
    engine_->OnInbound("A", carriers::CarrierInbound{from, "Deliverer", text},
                       [acked](bool recorded) { *acked = recorded ? 1 : 0; });
    EXPECT_TRUE(RunUntil([&] { return *acked >= 0; })) << "the MO was never acknowledged";
    return *acked == 1;
  }

  std::vector<store::MessageRecord> Replies(const std::string& client_ref) {
    store::MessageQuery query;
    query.client_ref = client_ref;
    auto page = store_->ListMessages(query);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->messages : std::vector<store::MessageRecord>{};
  }

  bool Suppressed(const std::string& account) {
    return *store_->IsSuppressed(account, kSubscriber);
  }

  double MetricValue(const std::string& needle) {
    const std::string text = metrics_.Render();
    const size_t at = text.find(needle + " ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + needle.size() + 1));
  }
};

TEST_F(EngineInboundTest, S11_StopRejectsQueuedMessagesButItsConfirmationGoesOut) {
  ASSERT_NO_FATAL_FAILURE(Start(WithReplies()));
  FakeCarrier& a = carrier("A");
  a.Hold();
  Insert("m0", {.to = kSubscriber});
  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));
  Insert("m1", {.to = kSubscriber});  // queued behind m0: one destination, one at a time
  Insert("m2", {.to = kSubscriber});

  ASSERT_TRUE(Mo("Stop"));
  EXPECT_TRUE(Suppressed("acme"));
  EXPECT_FALSE(Suppressed("globex")) << "STOP is for the account that wrote to the subscriber";
  a.ReleaseOldest(Kind::kAccepted);

  ASSERT_TRUE(RunUntil([&] { return a.held() == 1; }));
  const carriers::CarrierSubmit& reply = a.submits().back();
  EXPECT_EQ(reply.to, kSubscriber);
  EXPECT_EQ(reply.from, "Deliverer");
  EXPECT_EQ(reply.text, std::string(compliance::kDefaultOptOutReply));
  a.ReleaseOldest(Kind::kAccepted);

  ASSERT_TRUE(RunUntil(
      [&] { return StatusOf("m1") == Status::kRejected && StatusOf("m2") == Status::kRejected; }));
  EXPECT_EQ(Record("m1").error->code, "recipient_suppressed");
  EXPECT_EQ(a.SubmitsOf("m1") + a.SubmitsOf("m2"), 0u) << "queued messages never reach the carrier";
  const auto replies = Replies("opt_out_reply");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].account, "acme");
  EXPECT_EQ(replies[0].status, Status::kSent);
  EXPECT_EQ(MetricValue("deliverer_compliance_replies_total{kind=\"opt_out\"}"), 1);
  EXPECT_EQ(MetricValue("deliverer_inbound_messages_total{action=\"opt_out\"}"), 1);
}

TEST_F(EngineInboundTest, S11_ASecondStopTheSameDayGetsNoSecondConfirmation) {
  ASSERT_NO_FATAL_FAILURE(Start(WithReplies()));
  Insert("m0", {.to = kSubscriber});
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m0") == Status::kSent; }));
  ASSERT_TRUE(Mo("STOP"));
  ASSERT_TRUE(Mo("unsubscribe"));
  ASSERT_TRUE(Mo("HELP"));
  ASSERT_TRUE(RunUntil([&] { return carrier("A").submits().size() == 3; }));
  EXPECT_EQ(Replies("opt_out_reply").size(), 1u);
  EXPECT_EQ(Replies("help_reply").size(), 1u) << "a HELP is answered even while suppressed";
  EXPECT_EQ(MetricValue("deliverer_inbound_messages_total{action=\"opt_out\"}"), 2);
}

TEST_F(EngineInboundTest, S11_StopAllIsForEveryAccountAndStartLiftsIt) {
  ASSERT_NO_FATAL_FAILURE(Start(WithReplies()));
  Insert("m0", {.to = kSubscriber});
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m0") == Status::kSent; }));
  ASSERT_TRUE(Mo("STOPALL"));
  EXPECT_TRUE(Suppressed("acme"));
  EXPECT_TRUE(Suppressed("globex"));
  ASSERT_TRUE(Mo("START"));
  EXPECT_FALSE(Suppressed("acme"));
  EXPECT_FALSE(Suppressed("globex"));
  EXPECT_EQ(Replies("opt_in_reply").size(), 1u);
}

TEST_F(EngineInboundTest, S11_StopPleaseIsFlaggedForReviewAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start(WithReplies()));
  ASSERT_TRUE(Mo("STOP PLEASE"));
  EXPECT_FALSE(Suppressed("acme"));
  EXPECT_FALSE(Suppressed(""));
  auto review = store_->ListInbound(store::InboundQuery{.keyword_action = "review"});
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].from, kSubscriber);
  SweepOnce();
  EXPECT_TRUE(carrier("A").submits().empty()) << "no reply to a message under review";
}

TEST_F(EngineInboundTest, S11_ConfiguredExtraKeywordOptsOutAndAStopWithNoSenderIsGlobal) {
  ASSERT_NO_FATAL_FAILURE(Start(WithReplies({"arret"})));
  ASSERT_TRUE(Mo("Arret"));
  EXPECT_TRUE(Suppressed("anyone")) << "no account wrote to the subscriber: the global list";
  ASSERT_TRUE(RunUntil([&] { return carrier("A").submits().size() == 1; }));
  const auto replies = Replies("opt_out_reply");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].account, std::string(compliance::kSystemAccount));
}

TEST_F(EngineInboundTest, S11_AStopFromANumberOutsideTheNumberingPlanOptsOutWithoutAReply) {
  ASSERT_NO_FATAL_FAILURE(Start(WithReplies()));
  const std::string unplaceable = "+999123";  // no such country code
  Insert("m0", {.to = unplaceable});
  ASSERT_TRUE(RunUntil([&] { return StatusOf("m0") == Status::kSent; }));
  ASSERT_TRUE(Mo("STOP", unplaceable));
  EXPECT_TRUE(*store_->IsSuppressed("acme", unplaceable));
  SweepOnce();
  EXPECT_EQ(carrier("A").submits().size(), 1u) << "a reply no carrier route can place is not sent";
  EXPECT_TRUE(Replies("opt_out_reply").empty());
  EXPECT_EQ(MetricValue("deliverer_inbound_messages_total{action=\"opt_out\"}"), 1);
}

}  // namespace
}  // namespace deliverer::delivery::testing
