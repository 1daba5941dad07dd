// ErasureStore: erasure on request (docs/reliability.md S10) as consumers read it through
// the seams afterwards: the person's numbers and bodies gone from messages and inbound
// messages, their queued messages rejected, their opt-outs holding without their number,
// the erasure audited, everyone else's rows untouched. What a backend's own files keep is
// its own tests' (tests/unit/store/erase_test.cc for SQLite).
#include <future>
#include <thread>

#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

constexpr const char* kPerson = "+447911123456";
constexpr const char* kDigits = "447911123456";  // as SMPP addresses carry it
constexpr const char* kOther = "+447911654321";

class ErasureConformance : public ConformanceTest {
 protected:
  Result<EraseResult> ErasePerson() { return Erase(kPerson, ErasureAudit()); }

  static AuditEntry ErasureAudit() {
    return AuditEntry{0, 1000, "cli", "", "local", "erase", "+4479****3456", "c1"};
  }

  void MarkSent(const std::string& id) { ASSERT_TRUE(ChangeOne(Sent(id, {"k-" + id})).applied()); }

  std::string Body(const std::string& id) {
    auto found = delivery().GetForDelivery(id);
    EXPECT_TRUE(found.ok() && found->has_value()) << id;
    return found.ok() && found->has_value() ? (*found)->body : "<missing>";
  }

  bool Suppressed(const std::string& account, const std::string& number) {
    auto r = suppressions().IsSuppressed(account, number);
    EXPECT_TRUE(r.ok());
    return r.ok() && *r;
  }

  std::vector<Suppression> EveryList() {
    auto lists = suppressions().ListSuppressions(SuppressionQuery{.all_accounts = true});
    EXPECT_TRUE(lists.ok());
    return lists.ok() ? *lists : std::vector<Suppression>{};
  }

  std::vector<InboundRecord> AllInbound() {
    auto inbound = this->inbound().ListInbound(InboundQuery{});
    EXPECT_TRUE(inbound.ok());
    return inbound.ok() ? *inbound : std::vector<InboundRecord>{};
  }
};

TEST_P(ErasureConformance, MessagesToOrFromTheNumberLoseItAndTheirBody) {
  ASSERT_TRUE(Insert(Message("m-to", kPerson, "to the person")).ok());
  NewMessage on_behalf = Message("m-from", kOther, "sent on the person's behalf");
  on_behalf.from = kPerson;
  ASSERT_TRUE(Insert(on_behalf).ok());

  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->messages, 2);
  EXPECT_EQ(Record("m-to").to, "erased");
  EXPECT_EQ(Body("m-to"), "");
  EXPECT_EQ(Record("m-from").from, "erased");
  EXPECT_EQ(Record("m-from").to, kOther) << "only the person's number goes";
  EXPECT_EQ(Body("m-from"), "");
}

TEST_P(ErasureConformance, AQueuedMessageEndsRejectedAndOneAtTheCarrierKeepsItsCourse) {
  NewMessage queued = Message("m-queued", kPerson, "queued for the person");
  queued.callback_url = "https://producer.example/hook?to=" + std::string(kPerson);
  ASSERT_TRUE(Insert(queued).ok());
  ASSERT_TRUE(Insert(Message("m-sent", kPerson, "sent to the person")).ok());
  ASSERT_NO_FATAL_FAILURE(MarkSent("m-sent"));
  const int64_t pending_before = messages().PendingCount();

  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->messages, 2);
  EXPECT_EQ(erased->rejected, 1);

  const MessageRecord rejected = Record("m-queued");
  EXPECT_EQ(rejected.status, model::kStatusAfterErasure);
  EXPECT_EQ(rejected.error, model::RecipientErasedError());
  EXPECT_EQ(rejected.events.back().status, model::kStatusAfterErasure);
  EXPECT_EQ(messages().PendingCount(), pending_before - 1);
  auto hooks = outbox().DueWebhooks(INT64_MAX, 10, {});
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ((*hooks)[0].status, model::kStatusAfterErasure);
  EXPECT_EQ((*hooks)[0].url, "https://producer.example/hook?to=erased");
  EXPECT_EQ(StatusOf("m-sent"), MsgStatus::kSent);
}

TEST_P(ErasureConformance, TheNumberWithoutItsPlusIsMatchedToo) {
  ASSERT_TRUE(Insert(Message("m-digits", kDigits, "to the bare digits")).ok());
  NewMessage quoting = Message("m-ref", kPerson);
  quoting.client_ref = std::string("ref-") + kDigits;
  ASSERT_TRUE(Insert(quoting).ok());
  ASSERT_TRUE(
      Inbound(InboundRecord{"mo-digits", "sim-a", kDigits, "12345", "hello", 1001, ""}).ok());

  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->messages, 2);
  EXPECT_EQ(erased->inbound, 1);
  EXPECT_EQ(Record("m-digits").to, "erased");
  EXPECT_EQ(Body("m-digits"), "");
  EXPECT_EQ(Record("m-ref").client_ref, "ref-erased");
  const std::vector<InboundRecord> inbound = AllInbound();
  ASSERT_EQ(inbound.size(), 1u);
  EXPECT_EQ(inbound[0].from, "erased");
}

TEST_P(ErasureConformance, InboundMessagesLoseTheSenderAndTheTextAndKeepTheirKeyword) {
  ASSERT_TRUE(
      Inbound(InboundRecord{"mo-1", "sim-a", kPerson, "12345", "STOP", 1000, "opt_out"}).ok());

  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->inbound, 1);
  const std::vector<InboundRecord> inbound = AllInbound();
  ASSERT_EQ(inbound.size(), 1u);
  EXPECT_EQ(inbound[0].from, "erased");
  EXPECT_EQ(inbound[0].to, "12345");
  EXPECT_EQ(inbound[0].body, "");
  EXPECT_EQ(inbound[0].keyword_action, "opt_out");
}

TEST_P(ErasureConformance, SomeoneElsesRowsAreUntouched) {
  ASSERT_TRUE(Insert(Message("m-person", kPerson, "for the person")).ok());
  ASSERT_TRUE(Insert(Message("m-other", kOther, "for someone else")).ok());
  ASSERT_TRUE(Inbound(InboundRecord{"mo-other", "sim-a", kOther, "12345", "hi", 1000, ""}).ok());
  ASSERT_TRUE(Put(Suppression{"acme", kOther, "stop", "api", 1}).ok());

  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->messages, 1);
  EXPECT_EQ(erased->inbound, 0);
  EXPECT_EQ(erased->suppressions, 0);
  EXPECT_EQ(Record("m-other").to, kOther);
  EXPECT_EQ(Body("m-other"), "for someone else");
  EXPECT_EQ(StatusOf("m-other"), MsgStatus::kQueued);
  const std::vector<InboundRecord> inbound = AllInbound();
  ASSERT_EQ(inbound.size(), 1u);
  EXPECT_EQ(inbound[0].from, kOther);
  EXPECT_EQ(inbound[0].body, "hi");
  const std::vector<Suppression> lists = EveryList();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].number, kOther);
}

TEST_P(ErasureConformance, OptOutsKeepHoldingWhileTheNumberLeavesTheListings) {
  ASSERT_TRUE(Put(Suppression{"acme", kPerson, std::string("asked by ") + kPerson, "mo", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"", kPerson, "legal hold", "cli", 2}).ok());

  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->suppressions, 2);
  EXPECT_TRUE(Suppressed("acme", kPerson));
  EXPECT_TRUE(Suppressed("another-account", kPerson)) << "the global list's entry holds too";
  const std::vector<Suppression> lists = EveryList();
  ASSERT_EQ(lists.size(), 2u);
  for (const Suppression& s : lists) {
    EXPECT_EQ(s.number.rfind("erased:", 0), 0u) << s.number;
    EXPECT_EQ(s.number.find(kDigits), std::string::npos) << s.number;
  }
  EXPECT_EQ(lists[1].account, "acme");
  EXPECT_EQ(lists[1].reason, "asked by erased");
  EXPECT_EQ(lists[1].source, "mo") << "the entry is kept as it was, but for the number";
}

TEST_P(ErasureConformance, AnOptOutGivenAgainAfterAnErasureIsErasedAgain) {
  ASSERT_TRUE(Put(Suppression{"acme", kPerson, "stop_keyword", "mo", 1}).ok());
  ASSERT_TRUE(ErasePerson().ok());
  ASSERT_TRUE(Put(Suppression{"acme", kPerson, "stop_keyword", "mo", 2}).ok());  // by number, again

  auto again = ErasePerson();
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->suppressions, 1);
  EXPECT_TRUE(Suppressed("acme", kPerson));
  const std::vector<Suppression> lists = EveryList();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].number.rfind("erased:", 0), 0u) << lists[0].number;
}

TEST_P(ErasureConformance, TheOptOutOfAnErasedPersonCanStillBeLiftedByTheirNumber) {
  ASSERT_TRUE(Put(Suppression{"acme", kPerson, "stop_keyword", "mo", 1}).ok());
  ASSERT_TRUE(ErasePerson().ok());
  ASSERT_TRUE(Delete("acme", kPerson).ok());
  EXPECT_FALSE(Suppressed("acme", kPerson));
  EXPECT_TRUE(EveryList().empty());
}

TEST_P(ErasureConformance, AnOptInByTextLiftsTheOptOutsOfAnErasedPerson) {
  ASSERT_TRUE(Put(Suppression{"acme", kPerson, "stop_keyword", "mo", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"", kPerson, "stopall_keyword", "mo", 1}).ok());
  ASSERT_TRUE(ErasePerson().ok());
  InboundRecord start{.id = "mo-start", .from = kPerson, .to = "12345", .body = "START",
                      .at_ms = 2000, .keyword_action = "opt_in"};
  ASSERT_TRUE(Inbound(start, {.lift = SuppressionLift{"acme", kPerson}}).ok());
  EXPECT_FALSE(Suppressed("acme", kPerson));
  EXPECT_FALSE(Suppressed("another-account", kPerson));
  EXPECT_TRUE(EveryList().empty());
}

TEST_P(ErasureConformance, TheErasureIsAudited) {
  auto erased = ErasePerson();
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  auto audited = audit().ListAudit(AuditQuery{.action = "erase"});
  ASSERT_TRUE(audited.ok());
  ASSERT_EQ(audited->size(), 1u);
  EXPECT_EQ((*audited)[0].target, "+4479****3456");
  EXPECT_EQ((*audited)[0].correlation_id, "c1");
}

TEST_P(ErasureConformance, TheCallbackRunsOnAStoreThreadOnceTheErasureIsVisible) {
  ASSERT_TRUE(Insert(Message("m-1", kPerson, "hello")).ok());
  std::promise<std::pair<std::thread::id, std::string>> seen;
  erasure().EraseNumber(kPerson, ErasureAudit(), [&](Result<EraseResult> r) {
    EXPECT_TRUE(r.ok());
    seen.set_value({std::this_thread::get_id(), Record("m-1").to});
  });
  const auto [thread, to] = seen.get_future().get();
  EXPECT_NE(thread, std::this_thread::get_id());
  EXPECT_EQ(to, "erased");
}

TEST_P(ErasureConformance, AnIdempotentReplayOfAnErasedMessageConflicts) {
  const NewMessage m = Message("m-1", kPerson, "hello");
  ASSERT_TRUE(Insert(m).ok());
  ASSERT_TRUE(ErasePerson().ok());
  auto replay = Insert(m);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->outcome, InsertOutcome::kConflict) << "the payload hash went with the body";
}

TEST_P(ErasureConformance, RefusesWhatIsNotAnE164NumberAndChangesNothing) {
  ASSERT_TRUE(Insert(Message("m-1", kPerson, "hello")).ok());
  for (const std::string bad : {"", "+", kDigits, "+44 7911 123456", "+4479111234567890"}) {
    auto r = Erase(bad, ErasureAudit());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_destination") << bad;
  }
  std::promise<std::thread::id> refused;
  erasure().EraseNumber("+", ErasureAudit(), [&](Result<EraseResult>) {
    refused.set_value(std::this_thread::get_id());
  });
  EXPECT_NE(refused.get_future().get(), std::this_thread::get_id()) << "a refusal too comes from a store thread";
  EXPECT_EQ(Record("m-1").to, kPerson);
  EXPECT_EQ(Body("m-1"), "hello");
  auto audited = audit().ListAudit(AuditQuery{.action = "erase"});
  ASSERT_TRUE(audited.ok());
  EXPECT_TRUE(audited->empty());
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(ErasureConformance, Concern::kErasure);

}  // namespace deliverer::store::conformance
