// Suppressions through the API (docs/api.md "Suppressions", 422 recipient_suppressed): a
// suppressed number refuses messages until the suppression is removed, per account.
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

constexpr const char* kNumber = "+33612345678";
constexpr const char* kAllScopes = "messages:send,messages:read,suppressions:write";

class SuppressionsTest : public ::testing::Test {
 protected:
  HttpResponse Suppress(const std::string& number, const std::string& key) const {
    return server_.Put("/v1/suppressions/" + number, {{"reason", "customer request"}}, key);
  }
  HttpResponse Unsuppress(const std::string& number, const std::string& key) const {
    return server_.Delete("/v1/suppressions/" + number, key);
  }
  HttpResponse SendTo(const std::string& number, const std::string& key,
                      const std::string& client_ref = "") const {
    Json message = Message(number);
    if (!client_ref.empty()) message["client_ref"] = client_ref;
    return server_.Post("/v1/messages", message, key);
  }
  // The suppression list entry for `number`, null when it is not listed.
  Json Listed(const std::string& number, const std::string& key) const {
    HttpResponse r = server_.Get("/v1/suppressions", key);
    EXPECT_TRUE(HasStatus(r, 200));
    if (!r.json.is_object() || !r.json["data"].is_array()) return nullptr;
    for (const Json& entry : r.json["data"]) {
      if (StringField(entry, "number") == number) return entry;
    }
    return nullptr;
  }

  DelivererProcess server_;
  std::string key_ = server_.CreateKey("acme", kAllScopes);
};

TEST_F(SuppressionsTest, SuppressedRecipientIs422UntilRemoved) {
  ASSERT_TRUE(HasStatus(SendTo(kNumber, key_), 202));

  ASSERT_TRUE(HasStatus(Suppress(kNumber, key_), 200));
  HttpResponse refused = SendTo(kNumber, key_, "after-suppression");
  EXPECT_TRUE(IsProblem(refused, 422, "recipient_suppressed"));
  EXPECT_TRUE(HasStatus(SendTo(kTo, key_), 202)) << "other numbers are not affected";

  HttpResponse removed = Unsuppress(kNumber, key_);
  EXPECT_TRUE(HasStatus(removed, 204));
  EXPECT_TRUE(removed.body.empty()) << removed;
  EXPECT_TRUE(HasStatus(SendTo(kNumber, key_), 202));

  HttpResponse list =
      server_.Get("/v1/messages" + Query({{"client_ref", "after-suppression"}}), key_);
  EXPECT_TRUE(list.json["data"].empty()) << "a 422 stores nothing: " << list;
}

TEST_F(SuppressionsTest, ListShowsTheNumberWhileSuppressed) {
  ASSERT_TRUE(HasStatus(Suppress(kNumber, key_), 200));

  Json entry = Listed(kNumber, key_);

  ASSERT_FALSE(entry.is_null()) << kNumber << " is not listed";
  EXPECT_EQ(entry["reason"], "customer request");
  EXPECT_TRUE(IsRfc3339Millis(StringField(entry, "created_at"))) << entry;
  ASSERT_TRUE(HasStatus(Unsuppress(kNumber, key_), 204));
  EXPECT_TRUE(Listed(kNumber, key_).is_null()) << kNumber << " is still listed after DELETE";
}

TEST_F(SuppressionsTest, ReadingTheListNeedsMessagesRead) {
  std::string reader = server_.CreateKey("acme", "messages:read");
  std::string writer = server_.CreateKey("acme", "suppressions:write");
  ASSERT_TRUE(HasStatus(Suppress(kNumber, writer), 200));

  EXPECT_TRUE(IsProblem(server_.Get("/v1/suppressions", writer), 403, "forbidden"));
  EXPECT_FALSE(Listed(kNumber, reader).is_null());
}

TEST_F(SuppressionsTest, ChangingTheListNeedsSuppressionsWrite) {
  std::string producer = server_.CreateKey("acme", kSendRead);

  EXPECT_TRUE(IsProblem(Suppress(kNumber, producer), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(Unsuppress(kNumber, producer), 403, "forbidden"));
  EXPECT_TRUE(HasStatus(SendTo(kNumber, producer), 202)) << "the refused PUT changed nothing";
}

TEST_F(SuppressionsTest, SuppressionsBelongToTheAccount) {
  std::string other = server_.CreateKey("other-account", kAllScopes);
  ASSERT_TRUE(HasStatus(Suppress(kNumber, key_), 200));

  EXPECT_TRUE(HasStatus(SendTo(kNumber, other), 202));
  EXPECT_TRUE(Listed(kNumber, other).is_null()) << "another account's suppression is visible";
  EXPECT_TRUE(IsProblem(SendTo(kNumber, key_), 422, "recipient_suppressed"));
}

TEST_F(SuppressionsTest, SuppressionsNeedAKey) {
  EXPECT_TRUE(IsProblem(Suppress(kNumber, ""), 401, "unauthenticated"));
  EXPECT_TRUE(IsProblem(server_.Get("/v1/suppressions", ""), 401, "unauthenticated"));
}

}  // namespace
}  // namespace deliverer::integration
