// API keys and account scoping (docs/api.md "Authentication", docs/reliability.md S1, S2, S8):
// which keys get 401 or 403, that accounts never see each other's messages, and that
// neither the database nor the log holds a key's secret.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

constexpr Millis kRevocationDeadline{5000};
constexpr Millis kExpiryDeadline{15000};
// Long enough that the old key is still in its grace period when the test reads with it,
// however slow the machine; the test then waits for the period's end.
constexpr const char* kRotationGrace = "15s";
constexpr Millis kRotationDeadline{60000};

class AuthTest : public ::testing::Test {
 protected:
  DelivererProcess server_;
};

bool AnswersUnauthenticated(const DelivererProcess& server, const std::string& key) {
  HttpResponse r = server.Get("/v1/messages", key);
  return r.status == 401;
}

// Every regular file under `dir` (recursively), as bytes.
std::vector<std::pair<std::string, std::string>> ReadAllFiles(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files.emplace_back(entry.path().string(), std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return files;
}

TEST_F(AuthTest, MissingAuthorizationIs401) {
  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", Message(), ""), 401, "unauthenticated"));
  EXPECT_TRUE(IsProblem(server_.Get("/v1/messages", ""), 401, "unauthenticated"));
}

TEST_F(AuthTest, MalformedAuthorizationIs401) {
  std::string key = server_.CreateKey("acme", kSendRead);
  const std::string headers[] = {"Bearer garbage", "Bearer ", "Basic YWNtZTpzZWNyZXQ=", key,
                                 "Bearer " + key + "x"};
  for (const std::string& header : headers) {
    SCOPED_TRACE(header);
    HttpResponse r = server_.Send("POST", "/v1/messages", {{"Authorization", header}},
                                  Message().dump(), "application/json");
    EXPECT_TRUE(IsProblem(r, 401, "unauthenticated"));
  }
}

TEST_F(AuthTest, WellFormedKeyWithWrongSecretIs401) {
  std::string key = server_.CreateKey("acme", kSendRead);
  std::string forged = WithWrongSecret(key);
  ASSERT_NE(forged, key);

  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", Message(), forged), 401, "unauthenticated"));
  EXPECT_TRUE(HasStatus(server_.Post("/v1/messages", Message(), key), 202));
}

TEST_F(AuthTest, ExpiredKeyIs401) {
  std::string key = server_.CreateKey("acme", kSendRead, "1s");

  EXPECT_TRUE(WaitFor([&] { return AnswersUnauthenticated(server_, key); }, kExpiryDeadline))
      << "a key created with --expires-in 1s is still accepted";
  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", Message(), key), 401, "unauthenticated"));
}

TEST_F(AuthTest, RevokedKeyIsRefusedWithinFiveSeconds) {
  std::string key = server_.CreateKey("acme", kSendRead);
  ASSERT_TRUE(HasStatus(server_.Get("/v1/messages", key), 200));

  server_.RevokeKey(KeyId(key));

  EXPECT_TRUE(WaitFor([&] { return AnswersUnauthenticated(server_, key); }, kRevocationDeadline))
      << "a revoked key is still accepted 5 s after `keys revoke`";
  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", Message(), key), 401, "unauthenticated"));
}

TEST_F(AuthTest, S2_RotationKeepsTheOldKeyWorkingForTheGracePeriodOnly) {
  const std::string old_key = server_.CreateKey("acme", kSendRead);
  const std::string new_key = server_.RotateKey(KeyId(old_key), kRotationGrace);

  EXPECT_NE(KeyId(new_key), KeyId(old_key));
  EXPECT_TRUE(HasStatus(server_.Get("/v1/messages", new_key), 200));
  EXPECT_TRUE(HasStatus(server_.Get("/v1/messages", old_key), 200)) << "still in its grace period";
  EXPECT_TRUE(WaitFor([&] { return AnswersUnauthenticated(server_, old_key); }, kRotationDeadline, Millis(250)))
      << "the old key outlived its grace period";
  EXPECT_TRUE(HasStatus(server_.Post("/v1/messages", Message(), new_key), 202));
  const std::string listed = server_.ListKeys();
  EXPECT_NE(listed.find(KeyId(new_key) + "\tacme\tmessages:send,messages:read"), std::string::npos) << listed;
}

TEST_F(AuthTest, RotatingAnUnknownOrRevokedKeyFails) {
  const std::string key = server_.CreateKey("acme", kSendRead);
  server_.RevokeKey(KeyId(key));
  EXPECT_THROW(server_.RotateKey(KeyId(key), "1h"), std::runtime_error);
  EXPECT_THROW(server_.RotateKey("dlv_AAAAAAAAAAAA", "1h"), std::runtime_error);
}

TEST_F(AuthTest, RevokingOneKeyLeavesTheOthersValid) {
  std::string revoked = server_.CreateKey("acme", kSendRead);
  std::string kept = server_.CreateKey("acme", kSendRead);
  server_.RevokeKey(KeyId(revoked));

  ASSERT_TRUE(
      WaitFor([&] { return AnswersUnauthenticated(server_, revoked); }, kRevocationDeadline));
  EXPECT_TRUE(HasStatus(server_.Get("/v1/messages", kept), 200));
}

TEST_F(AuthTest, KeyInQueryStringIsNotAccepted) {
  std::string key = server_.CreateKey("acme", kSendRead);
  for (const char* name : {"api_key", "key", "access_token", "token"}) {
    SCOPED_TRACE(name);
    HttpResponse r = server_.Get("/v1/messages" + Query({{name, key}}), "");
    EXPECT_TRUE(IsProblem(r, 401, "unauthenticated"));
  }
}

TEST_F(AuthTest, KeyWithoutSendScopeCannotSend) {
  std::string reader = server_.CreateKey("acme", "messages:read");

  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", Message(), reader), 403, "forbidden"));
  Json batch = {{"messages", Json::array({Message()})}};
  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages/batch", batch, reader), 403, "forbidden"));
  EXPECT_TRUE(HasStatus(server_.Get("/v1/messages", reader), 200));
}

TEST_F(AuthTest, KeyWithoutReadScopeCannotRead) {
  std::string sender = server_.CreateKey("acme", "messages:send");
  HttpResponse accepted = server_.Post("/v1/messages", Message(), sender);
  ASSERT_TRUE(HasStatus(accepted, 202));

  EXPECT_TRUE(IsProblem(server_.Get("/v1/messages", sender), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(server_.Get(accepted.Header("Location"), sender), 403, "forbidden"));
}

TEST_F(AuthTest, AdminEndpointsNeedTheAdminScope) {
  std::string producer = server_.CreateKey("acme", kSendRead);
  std::string admin = server_.CreateKey("ops", "admin");

  EXPECT_TRUE(IsProblem(server_.Get("/v1/admin/audit", producer), 403, "forbidden"));
  EXPECT_TRUE(HasStatus(server_.Get("/v1/admin/audit", admin), 200));
}

TEST_F(AuthTest, S1_other_accounts_message_is_404_exactly_like_an_unknown_id) {
  std::string key_a = server_.CreateKey("account-a", kSendRead);
  std::string key_b = server_.CreateKey("account-b", kSendRead);
  HttpResponse accepted = server_.Post("/v1/messages", Message(), key_a);
  ASSERT_TRUE(HasStatus(accepted, 202));
  std::string id_a = StringField(accepted.json, "message_id");
  std::string unknown = NewUuid();

  HttpResponse foreign = server_.Get("/v1/messages/" + id_a, key_b);
  HttpResponse missing = server_.Get("/v1/messages/" + unknown, key_b);

  ASSERT_TRUE(IsProblem(foreign, 404, "not_found"));
  ASSERT_TRUE(IsProblem(missing, 404, "not_found"));
  for (const char* member : {"type", "title", "status", "code", "field"}) {
    EXPECT_EQ(foreign.json.value(member, Json()), missing.json.value(member, Json())) << member;
  }
  // The detail may name the requested id, and nothing else may differ.
  std::string detail_foreign = StringField(foreign.json, "detail");
  std::string detail_missing = StringField(missing.json, "detail");
  if (auto at = detail_foreign.find(id_a); at != std::string::npos) {
    detail_foreign.replace(at, id_a.size(), "{id}");
  }
  if (auto at = detail_missing.find(unknown); at != std::string::npos) {
    detail_missing.replace(at, unknown.size(), "{id}");
  }
  EXPECT_EQ(detail_foreign, detail_missing);
  EXPECT_TRUE(HasStatus(server_.Get("/v1/messages/" + id_a, key_a), 200));
}

TEST_F(AuthTest, S1_other_accounts_messages_are_not_listed) {
  std::string key_a = server_.CreateKey("account-a", kSendRead);
  std::string key_b = server_.CreateKey("account-b", kSendRead);
  Json message = Message();
  message["client_ref"] = "a-only";
  ASSERT_TRUE(HasStatus(server_.Post("/v1/messages", message, key_a), 202));
  ASSERT_TRUE(HasStatus(server_.Post("/v1/messages", message, key_a), 202));

  HttpResponse all_b = server_.Get("/v1/messages", key_b);
  HttpResponse by_ref_b = server_.Get("/v1/messages" + Query({{"client_ref", "a-only"}}), key_b);
  HttpResponse by_to_b = server_.Get("/v1/messages" + Query({{"to", kTo}}), key_b);
  HttpResponse all_a = server_.Get("/v1/messages", key_a);

  ASSERT_TRUE(HasStatus(all_b, 200));
  EXPECT_TRUE(all_b.json["data"].empty()) << all_b;
  EXPECT_TRUE(by_ref_b.json["data"].empty()) << by_ref_b;
  EXPECT_TRUE(by_to_b.json["data"].empty()) << by_to_b;
  EXPECT_EQ(all_a.json["data"].size(), 2u) << all_a;
}

TEST_F(AuthTest, S1_admin_reads_every_accounts_messages) {
  std::string key_a = server_.CreateKey("account-a", kSendRead);
  std::string admin = server_.CreateKey("ops", "admin");
  HttpResponse accepted = server_.Post("/v1/messages", Message(), key_a);
  ASSERT_TRUE(HasStatus(accepted, 202));

  HttpResponse r = server_.Get(accepted.Header("Location"), admin);

  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(r.json["account"], "account-a");
}

TEST_F(AuthTest, KeysListNamesKeysWithoutTheirSecrets) {
  std::string key = server_.CreateKey("acme", kSendRead);

  std::string list = server_.ListKeys();

  EXPECT_NE(list.find(KeyId(key)), std::string::npos) << list;
  EXPECT_NE(list.find("acme"), std::string::npos) << list;
  EXPECT_EQ(list.find(KeySecret(key)), std::string::npos) << "keys list prints a secret";
}

TEST_F(AuthTest, S2_database_holds_no_key_secret) {
  std::string key = server_.CreateKey("acme", kSendRead);
  std::string secret = KeySecret(key);
  ASSERT_GE(secret.size(), 16u) << "a 128-bit secret needs at least 16 characters: " << key;
  ASSERT_TRUE(HasStatus(server_.Post("/v1/messages", Message(), key), 202));
  ASSERT_TRUE(HasStatus(server_.Get("/v1/messages", key), 200));

  auto check = [&](const char* when) {
    auto files = ReadAllFiles(server_.DataDir());
    EXPECT_FALSE(files.empty()) << "no files under " << server_.DataDir();
    for (const auto& [path, bytes] : files) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << when << ": the secret is in " << path;
    }
  };
  check("while serving");
  EXPECT_EQ(server_.Terminate(), 0);
  check("after shutdown");
}

TEST_F(AuthTest, S8_log_holds_no_key_secret_number_or_body) {
  std::string key = server_.CreateKey("acme", kSendRead);
  const std::string body = "Your secret code is 918273";
  ASSERT_TRUE(HasStatus(server_.Post("/v1/messages", Message(kTo, body), key), 202));
  ASSERT_TRUE(IsProblem(server_.Post("/v1/messages", Message("+1555", body), key), 400,
                        "invalid_destination"));
  ASSERT_TRUE(HasStatus(server_.Post("/v1/messages", Message(), WithWrongSecret(key)), 401));
  server_.Terminate();

  std::string log = server_.Log();
  EXPECT_EQ(log.find(KeySecret(key)), std::string::npos) << "the log holds a key secret";
  EXPECT_EQ(log.find(KeySecret(WithWrongSecret(key))), std::string::npos)
      << "the log holds a presented (wrong) secret";
  EXPECT_EQ(log.find("2071838750"), std::string::npos) << "the log holds a full `to` number";
  EXPECT_EQ(log.find("4155550100"), std::string::npos) << "the log holds a full `from` number";
  EXPECT_EQ(log.find("918273"), std::string::npos) << "the log holds a message body";
}

}  // namespace
}  // namespace deliverer::integration
