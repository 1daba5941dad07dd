// ComplianceStore (suppression lists) and AuditLog.
#include "unit/store/conformance/conformance.h"

namespace deliverer::store::conformance {
namespace {

class SuppressionsConformance : public ConformanceTest {};

TEST_P(SuppressionsConformance, AnAccountsListAndTheGlobalListBothSuppress) {
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000001", "stop", "api", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"", "+447911000002", "legal", "cli", 1}).ok());
  EXPECT_TRUE(*suppressions().IsSuppressed("acme", "+447911000001"));
  EXPECT_FALSE(*suppressions().IsSuppressed("globex", "+447911000001")) << "acme's list only";
  EXPECT_TRUE(*suppressions().IsSuppressed("globex", "+447911000002"));
  EXPECT_FALSE(*suppressions().IsSuppressed("acme", "+447911000003"));
}

TEST_P(SuppressionsConformance, PutAgainReplacesTheReasonAndKeepsTheSource) {
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000001", "first", "mo", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000001", "second", "api", 2}).ok());
  auto list = suppressions().ListSuppressions(SuppressionQuery{.account = "acme"});
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].reason, "second");
  EXPECT_EQ((*list)[0].source, "mo");
  EXPECT_EQ((*list)[0].created_at_ms, 1);
}

TEST_P(SuppressionsConformance, DeleteRemovesOrSaysNotFound) {
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000001", "stop", "api", 1}).ok());
  ASSERT_TRUE(Delete("acme", "+447911000001").ok());
  EXPECT_FALSE(*suppressions().IsSuppressed("acme", "+447911000001"));
  Status again = Delete("acme", "+447911000001");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "not_found");
}

TEST_P(SuppressionsConformance, OneListPagesByNumber) {
  for (int i = 5; i >= 1; --i) ASSERT_TRUE(Put(Suppression{"acme", "+44791100000" + std::to_string(i), "r", "api", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"globex", "+447911000000", "r", "api", 1}).ok());
  auto first = suppressions().ListSuppressions(SuppressionQuery{.account = "acme", .limit = 3});
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].number, "+447911000001");
  EXPECT_EQ((*first)[2].number, "+447911000003");
  auto rest = suppressions().ListSuppressions(
      SuppressionQuery{.account = "acme", .limit = 3, .after_number = "+447911000003"});
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].number, "+447911000004");
  EXPECT_EQ((*rest)[1].number, "+447911000005");
}

TEST_P(SuppressionsConformance, SuppressionsOfEveryListPageByAccountThenNumber) {
  ASSERT_TRUE(Put(Suppression{"", "+447911000001", "r", "cli", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000002", "r", "api", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000001", "r", "api", 1}).ok());
  ASSERT_TRUE(Put(Suppression{"globex", "+447911000003", "r", "mo", 1}).ok());
  auto first = suppressions().ListSuppressions(SuppressionQuery{.limit = 3, .all_accounts = true});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].account, "");
  EXPECT_EQ((*first)[1].number, "+447911000001");
  EXPECT_EQ((*first)[2].number, "+447911000002");
  auto second = suppressions().ListSuppressions(SuppressionQuery{
      .limit = 3, .after_number = "+447911000002", .all_accounts = true, .after_account = "acme"});
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].account, "globex");
  auto global = suppressions().ListSuppressions(SuppressionQuery{.account = ""});
  ASSERT_EQ(global->size(), 1u);
  EXPECT_EQ((*global)[0].source, "cli");
  EXPECT_EQ(suppressions().ListSuppressions(SuppressionQuery{.account = "acme"})->size(), 2u);
}

class AuditConformance : public ConformanceTest {};

TEST_P(AuditConformance, EntriesListInOrderWithFiltersAndACursor) {
  ASSERT_TRUE(Append(AuditEntry{0, 100, "k1", "acme", "10.0.0.1", "suppression.put", "+4479****0001", "c1"}).ok());
  ASSERT_TRUE(Append(AuditEntry{0, 200, "k2", "globex", "", "key.create", "k2", "c2"}).ok());
  ASSERT_TRUE(Append(AuditEntry{0, 300, "k1", "acme", "", "suppression.delete", "+4479****0001", "c3"}).ok());
  auto all = audit().ListAudit(AuditQuery{});
  ASSERT_EQ(all->size(), 3u);
  EXPECT_LT((*all)[0].seq, (*all)[1].seq);
  EXPECT_LT((*all)[1].seq, (*all)[2].seq);
  EXPECT_EQ((*all)[0].source_ip, "10.0.0.1");
  EXPECT_EQ((*all)[2].correlation_id, "c3");
  auto correlations = [&](AuditQuery q) {
    std::vector<std::string> out;
    auto entries = audit().ListAudit(q);
    for (const AuditEntry& e : *entries) out.push_back(e.correlation_id);
    return out;
  };
  EXPECT_EQ(correlations({.account = "acme"}), (std::vector<std::string>{"c1", "c3"}));
  EXPECT_EQ(correlations({.key_id = "k2"}), std::vector<std::string>{"c2"});
  EXPECT_EQ(correlations({.action = "suppression.delete"}), std::vector<std::string>{"c3"});
  EXPECT_EQ(correlations({.since_ms = 200, .until_ms = 300}), std::vector<std::string>{"c2"}) << "until is exclusive";
  EXPECT_EQ(correlations({.after_seq = (*all)[0].seq, .limit = 1}), std::vector<std::string>{"c2"});
}

// Times as the gateway writes them, in milliseconds since 1970: past 32 bits.
TEST_P(AuditConformance, ARangeOfRealTimesSelectsItsEntries) {
  const int64_t t = 1'796'676'408'000;
  ASSERT_TRUE(Append(AuditEntry{0, t, "k1", "acme", "", "key.create", "k1", "c1"}).ok());
  ASSERT_TRUE(Append(AuditEntry{0, t + 1'000, "k1", "acme", "", "key.revoke", "k1", "c2"}).ok());
  auto entries = audit().ListAudit(AuditQuery{.since_ms = t, .until_ms = t + 1'000});
  ASSERT_TRUE(entries.ok()) << entries.error().detail;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].correlation_id, "c1");
}

TEST_P(AuditConformance, WritesAuditThemselves) {
  ASSERT_TRUE(Insert(Message("m1")).ok());
  ASSERT_TRUE(Put(Suppression{"acme", "+447911000001", "stop", "api", 1},
                  AuditEntry{0, 5, "k1", "acme", "", "suppression.put", "+4479****0001", "c1"})
                  .ok());
  std::vector<std::string> actions;
  auto entries = audit().ListAudit(AuditQuery{});
  for (const AuditEntry& e : *entries) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"message.send", "suppression.put"}));
}

}  // namespace

DELIVERER_CONFORMANCE_SUITE(SuppressionsConformance, Concern::kSuppressions);
DELIVERER_CONFORMANCE_SUITE(AuditConformance, Concern::kAudit);

}  // namespace deliverer::store::conformance
