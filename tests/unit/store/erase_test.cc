// Erasure on request (docs/reliability.md S10): the SQLite store pseudonymises a person's rows,
// ends their queued messages, keeps their opt-outs, audits it, and leaves no copy of the
// number in the database files.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "unit/store/store_fixture.h"

namespace deliverer::store::sqlite {
namespace {

using MsgStatus = model::Status;

constexpr const char* kPerson = "+447911123456";
constexpr const char* kDigits = "447911123456";  // as SMPP addresses carry it
constexpr const char* kOther = "+447911654321";

class EraseTest : public testing::StoreFixture {
 protected:
  Result<EraseResult> Erase(const std::string& number) {
    std::promise<Result<EraseResult>> done;
    store_->EraseNumber(number, AuditEntry{0, 1000, "cli", "", "local", "erase", "+4479****3456", "c1"},
                        [&](Result<EraseResult> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  MessageRecord Get(const std::string& id) {
    auto found = store_->GetMessage(id, /*with_events=*/true);
    EXPECT_TRUE(found.ok() && found->has_value()) << id;
    return found.ok() && found->has_value() ? **found : MessageRecord{};
  }

  void MarkSent(const std::string& id) {
    std::promise<std::vector<Result<ChangeResult>>> done;
    StatusChange sent{.message_id = id, .status = MsgStatus::kSent, .at_ms = 1500, .carrier = "sim-a",
                      .attempts = 1, .segments = {SegmentSubmit{0, "k-" + id, "k-" + id}},
                      .receipt_due_ms = 100'000};
    store_->RecordChanges({sent}, [&](auto r) { done.set_value(std::move(r)); });
    ASSERT_TRUE(done.get_future().get()[0].ok());
  }

  bool Suppressed(const std::string& account, const std::string& number) {
    auto r = store_->IsSuppressed(account, number);
    EXPECT_TRUE(r.ok());
    return r.ok() && *r;
  }

  // Occurrences of the person's number, in either form, per database file.
  std::vector<std::string> FilesHoldingThePerson() const {
    std::vector<std::string> holding;
    for (const auto& [name, bytes] : Files()) {
      if (bytes.find(kDigits) != std::string::npos) holding.push_back(name);
    }
    return holding;
  }
};

TEST_F(EraseTest, PseudonymisesEveryRowOfThePersonAndKeepsTheirOptOut) {
  NewMessage queued = Message("m-queued", kPerson, "queued for the person");
  queued.callback_url = "https://producer.example/hook?to=" + std::string(kPerson);
  queued.client_ref = std::string("ref-") + kDigits;
  ASSERT_TRUE(Insert(queued).ok());
  ASSERT_TRUE(Insert(Message("m-sent", kPerson, "sent to the person")).ok());
  ASSERT_NO_FATAL_FAILURE(MarkSent("m-sent"));
  NewMessage on_behalf = Message("m-from", kOther, "sent on the person's behalf");
  on_behalf.from = kPerson;
  ASSERT_TRUE(Insert(on_behalf).ok());
  ASSERT_TRUE(Insert(Message("m-other", kOther, "for someone else")).ok());
  ASSERT_TRUE(Inbound(InboundRecord{"mo-1", "sim-a", kPerson, "12345", "STOP", 1000, "opt_out"}).ok());
  ASSERT_TRUE(Inbound(InboundRecord{"mo-2", "sim-a", kDigits, "12345", "hello", 1001, ""}).ok());
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));
  ASSERT_NO_FATAL_FAILURE(Suppress("", kPerson));
  const int64_t pending_before = store_->PendingCount();
  ASSERT_FALSE(FilesHoldingThePerson().empty()) << "the scan must see the number before erasure";

  auto erased = Erase(kPerson);
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_EQ(erased->messages, 3);
  EXPECT_EQ(erased->rejected, 1);
  EXPECT_EQ(erased->inbound, 2);
  EXPECT_EQ(erased->suppressions, 2);
  EXPECT_TRUE(erased->log_truncated);

  // The queued message ends as a policy refusal, with its event and webhook; the message
  // already at the carrier keeps its course.
  const MessageRecord rejected = Get("m-queued");
  EXPECT_EQ(rejected.status, MsgStatus::kRejected);
  ASSERT_TRUE(rejected.error.has_value());
  EXPECT_EQ(rejected.error->code, "recipient_erased");
  EXPECT_EQ(rejected.to, "erased");
  EXPECT_EQ(rejected.client_ref, "ref-erased");
  EXPECT_EQ(rejected.events.back().status, MsgStatus::kRejected);
  EXPECT_EQ(store_->PendingCount(), pending_before - 1);
  auto hooks = store_->DueWebhooks(INT64_MAX, 10, {});
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ((*hooks)[0].status, MsgStatus::kRejected);
  EXPECT_EQ((*hooks)[0].url, "https://producer.example/hook?to=erased");
  const MessageRecord sent = Get("m-sent");
  EXPECT_EQ(sent.status, MsgStatus::kSent);
  EXPECT_EQ(sent.to, "erased");
  EXPECT_EQ(Get("m-from").from, "erased");
  EXPECT_EQ(Get("m-from").to, kOther);

  // Bodies are gone; someone else's message is untouched.
  auto body = store_->GetForDelivery("m-sent");
  ASSERT_TRUE(body.ok() && body->has_value());
  EXPECT_EQ((*body)->body, "");
  auto other = store_->GetForDelivery("m-other");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->body, "for someone else");
  EXPECT_EQ((*other)->to, kOther);

  // Inbound rows keep their keyword, not the sender nor the text.
  auto inbound = store_->ListInbound(InboundQuery{});
  ASSERT_TRUE(inbound.ok());
  ASSERT_EQ(inbound->size(), 2u);
  for (const InboundRecord& mo : *inbound) {
    EXPECT_EQ(mo.from, "erased");
    EXPECT_EQ(mo.body, "");
  }

  // The opt-outs hold, by keyed hash, on both lists.
  EXPECT_TRUE(Suppressed("acme", kPerson));
  EXPECT_TRUE(Suppressed("another-account", kPerson));
  auto lists = store_->ListSuppressions(SuppressionQuery{.all_accounts = true});
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->size(), 2u);
  for (const Suppression& s : *lists) EXPECT_EQ(s.number.rfind("erased:", 0), 0u) << s.number;

  auto audit = store_->ListAudit(AuditQuery{.action = "erase"});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].target, "+4479****3456");

  EXPECT_EQ(FilesHoldingThePerson(), std::vector<std::string>{});
  store_.reset();  // closing checkpoints what is left of the log
  EXPECT_EQ(FilesHoldingThePerson(), std::vector<std::string>{});
}

TEST_F(EraseTest, AnOptOutGivenAgainAfterAnErasureIsErasedAgain) {
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));
  ASSERT_TRUE(Erase(kPerson).ok());
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));  // the person opts out again, by number

  auto again = Erase(kPerson);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->suppressions, 1);
  EXPECT_TRUE(Suppressed("acme", kPerson));
  auto list = store_->ListSuppressions(SuppressionQuery{.account = "acme"});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
  EXPECT_EQ(FilesHoldingThePerson(), std::vector<std::string>{});
}

TEST_F(EraseTest, TheOptOutOfAnErasedPersonCanStillBeLiftedByTheirNumber) {
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));
  ASSERT_TRUE(Erase(kPerson).ok());
  std::promise<deliverer::Status> done;
  store_->DeleteSuppression("acme", kPerson, AuditEntry{},
                            [&](deliverer::Status s) { done.set_value(std::move(s)); });
  EXPECT_TRUE(done.get_future().get().ok());
  EXPECT_FALSE(Suppressed("acme", kPerson));
}

TEST_F(EraseTest, RefusesWhatIsNotAnE164NumberAndChangesNothing) {
  ASSERT_TRUE(Insert(Message("m-1", kPerson, "hello")).ok());
  for (const std::string bad : {"", "+", kDigits, "+44 7911 123456", "+4479111234567890"}) {
    auto r = Erase(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_destination") << bad;
  }
  EXPECT_EQ(Get("m-1").to, kPerson);
  auto audit = store_->ListAudit(AuditQuery{.action = "erase"});
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty());
}

}  // namespace
}  // namespace deliverer::store::sqlite
