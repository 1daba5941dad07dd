// Erasure on request (docs/reliability.md S10), SQLite's own part: no copy of the number is
// left in the database files, the write-ahead log included. What an erasure does through
// the seams is the conformance suite's (conformance/erasure_test.cc).
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

  // Occurrences of the person's number, in either form, per database file.
  std::vector<std::string> FilesHoldingThePerson() const {
    std::vector<std::string> holding;
    for (const auto& [name, bytes] : Files()) {
      if (bytes.find(kDigits) != std::string::npos) holding.push_back(name);
    }
    return holding;
  }
};

TEST_F(EraseTest, LeavesNoCopyOfTheNumberInTheDatabaseFilesNorTheLog) {
  NewMessage queued = Message("m-queued", kPerson, "queued for the person");
  queued.callback_url = "https://producer.example/hook?to=" + std::string(kPerson);
  queued.client_ref = std::string("ref-") + kDigits;
  ASSERT_TRUE(Insert(queued).ok());
  ASSERT_TRUE(Insert(Message("m-sent", kPerson, "sent to the person")).ok());
  ASSERT_NO_FATAL_FAILURE(MarkSent("m-sent"));
  NewMessage on_behalf = Message("m-from", kOther, "sent on the person's behalf");
  on_behalf.from = kPerson;
  ASSERT_TRUE(Insert(on_behalf).ok());
  ASSERT_TRUE(Inbound(InboundRecord{"mo-1", "sim-a", kPerson, "12345", "STOP", 1000, "opt_out"}).ok());
  ASSERT_TRUE(Inbound(InboundRecord{"mo-2", "sim-a", kDigits, "12345", "hello", 1001, ""}).ok());
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));
  ASSERT_NO_FATAL_FAILURE(Suppress("", kPerson));
  ASSERT_FALSE(FilesHoldingThePerson().empty()) << "the scan must see the number before erasure";

  auto erased = Erase(kPerson);
  ASSERT_TRUE(erased.ok()) << erased.error().detail;
  EXPECT_TRUE(erased->log_truncated);
  EXPECT_EQ(FilesHoldingThePerson(), std::vector<std::string>{});
  store_.reset();  // closing checkpoints what is left of the log
  EXPECT_EQ(FilesHoldingThePerson(), std::vector<std::string>{});
}

// The second erasure's opt-out replaces the first one's row: neither keeps the number.
TEST_F(EraseTest, AnOptOutErasedAgainLeavesNoCopyEither) {
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));
  ASSERT_TRUE(Erase(kPerson).ok());
  ASSERT_NO_FATAL_FAILURE(Suppress("acme", kPerson));  // the person opts out again, by number
  ASSERT_FALSE(FilesHoldingThePerson().empty()) << "the scan must see the number before erasure";

  auto again = Erase(kPerson);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(FilesHoldingThePerson(), std::vector<std::string>{});
}

}  // namespace
}  // namespace deliverer::store::sqlite
