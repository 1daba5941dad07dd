// The audit trail (docs/api.md "Audit trail", GET /v1/admin/audit):
// reads and admin calls are recorded with who, from where and when; the trail is
// filtered and paged through the API, and the API cannot change it.
#include <gtest/gtest.h>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  // The audit entries matching `query`, once at least `count` of them exist (reads are
  // recorded without delaying the answer); a test failure when fewer exist after 10 s.
  Json Entries(const std::string& query, size_t count = 1) {
    Json data;
    const bool found = WaitFor([&] {
      data = server_.Get("/v1/admin/audit" + query, admin_).json["data"];
      return data.size() >= count;
    }, Millis(10'000));
    if (!found) {
      ADD_FAILURE() << "fewer than " << count << " audit entries for " << query << " after 10 s: " << data.dump();
    }
    return data;
  }

  DelivererProcess server_;
  std::string producer_ = server_.CreateKey("acme", kSendRead);
  std::string admin_ = server_.CreateKey("ops", "admin");
};

TEST_F(AuditTest, ReadsAndAdminCallsAreRecordedWithWhoAndFromWhere) {
  HttpResponse sent = server_.Post("/v1/messages", Message(kTo, "audited"), producer_);
  ASSERT_TRUE(HasStatus(sent, 202));
  const std::string id = StringField(sent.json, "message_id");
  ASSERT_TRUE(HasStatus(server_.Get("/v1/messages/" + id, producer_), 200));
  ASSERT_TRUE(HasStatus(server_.Get("/v1/messages" + Query({{"to", kTo}}), producer_), 200));
  ASSERT_TRUE(HasStatus(server_.Get("/v1/admin/carriers", admin_), 200));

  const Json reads = Entries(Query({{"action", "message.read"}}));
  ASSERT_EQ(reads.size(), 1u) << reads.dump();
  EXPECT_EQ(reads[0]["key_id"], KeyId(producer_));
  EXPECT_EQ(reads[0]["account"], "acme");
  EXPECT_EQ(reads[0]["source_ip"], "127.0.0.1");
  EXPECT_EQ(reads[0]["target"], id);
  EXPECT_FALSE(StringField(reads[0], "correlation_id").empty());
  EXPECT_TRUE(IsRfc3339Millis(StringField(reads[0], "at")));

  const Json lists = Entries(Query({{"action", "message.list"}}));
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(StringField(lists[0], "target").find("2071838750"), std::string::npos)
      << "a number in the query is masked: " << lists[0].dump();

  const Json sends = Entries(Query({{"action", "message.send"}, {"account", "acme"}}));
  ASSERT_EQ(sends.size(), 1u) << "the send itself is audited in its own commit";
  const Json admin_calls = Entries(Query({{"key_id", KeyId(admin_)}, {"action", "admin.carriers.read"}}));
  EXPECT_EQ(admin_calls.size(), 1u);
  EXPECT_TRUE(Entries(Query({{"account", "nobody"}}), 0).empty());
}

TEST_F(AuditTest, FailedReadsAreNotRecordedAsReads) {
  ASSERT_EQ(server_.Get("/v1/messages/0193a000-0000-7000-8000-000000000000", producer_).status, 404);
  ASSERT_TRUE(HasStatus(server_.Get("/v1/admin/carriers", admin_), 200));
  // Recorded after the 404 was answered, so a read recorded for the 404 would be there.
  ASSERT_EQ(Entries(Query({{"action", "admin.carriers.read"}})).size(), 1u);
  EXPECT_TRUE(Entries(Query({{"action", "message.read"}}), 0).empty());
}

TEST_F(AuditTest, TheTrailPagesWithACursorAndCannotBeChangedThroughTheApi) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(HasStatus(server_.Get("/v1/admin/carriers", admin_), 200));
  ASSERT_EQ(Entries(Query({{"action", "admin.carriers.read"}}), 3).size(), 3u);

  HttpResponse first = server_.Get("/v1/admin/audit" + Query({{"action", "admin.carriers.read"}, {"limit", "2"}}), admin_);
  ASSERT_TRUE(HasStatus(first, 200));
  ASSERT_EQ(first.json["data"].size(), 2u);
  const std::string cursor = StringField(first.json, "next_cursor");
  ASSERT_FALSE(cursor.empty());
  HttpResponse second = server_.Get(
      "/v1/admin/audit" + Query({{"action", "admin.carriers.read"}, {"limit", "2"}, {"cursor", cursor}}), admin_);
  ASSERT_TRUE(HasStatus(second, 200));
  ASSERT_GE(second.json["data"].size(), 1u) << second;
  EXPECT_NE(second.json["data"][0]["correlation_id"], first.json["data"][0]["correlation_id"]);
  EXPECT_NE(second.json["data"][0]["correlation_id"], first.json["data"][1]["correlation_id"]);

  EXPECT_TRUE(IsProblem(server_.Get("/v1/admin/audit?limit=0", admin_), 400, "invalid_field", "limit"));
  EXPECT_TRUE(IsProblem(server_.Send("DELETE", "/v1/admin/audit", Bearer(admin_)), 405, "method_not_allowed"));
  EXPECT_TRUE(IsProblem(server_.Send("POST", "/v1/admin/audit", Bearer(admin_), "{}", "application/json"), 405,
                        "method_not_allowed"));
}

}  // namespace
}  // namespace deliverer::integration
