// The 400 answers of POST /v1/messages (docs/api.md, "Errors" and the field table): each
// rejection is problem+json with its stable code and the offending field, and stores nothing.
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

class ValidationTest : public ::testing::Test {
 protected:
  HttpResponse Submit(const Json& message) const {
    return server_.Post("/v1/messages", message, key_);
  }
  HttpResponse SubmitRaw(const std::string& body) const {
    return server_.PostRaw("/v1/messages", body, key_);
  }
  // The account's stored messages.
  Json Stored() const {
    HttpResponse list = server_.Get("/v1/messages", key_);
    EXPECT_TRUE(HasStatus(list, 200));
    return list.json.is_object() ? list.json.value("data", Json::array()) : Json::array();
  }

  DelivererProcess server_;
  std::string key_ = server_.CreateKey("acme", kSendRead);
};

// A message with one field changed (or removed, when `value` is null).
Json With(const std::string& field, const Json& value) {
  Json message = Message();
  if (value.is_null()) {
    message.erase(field);
  } else {
    message[field] = value;
  }
  return message;
}

TEST_F(ValidationTest, BodyThatIsNotAJsonObjectIsInvalidJson) {
  for (const char* body : {"not json", "[1,2,3]", "\"a string\"", "42", "{\"from\":"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsProblem(SubmitRaw(body), 400, "invalid_json"));
  }
}

TEST_F(ValidationTest, InvalidFieldNamesTheField) {
  struct Case {
    Json message;
    const char* field;
  };
  Json unknown = Message();
  unknown["foo"] = 1;
  const Case cases[] = {
      {unknown, "foo"},
      {With("ttl", 59), "ttl"},
      {With("ttl", 259201), "ttl"},
      {With("ttl", "3600"), "ttl"},
      {With("priority", "urgent"), "priority"},
      {With("type", "mms"), "type"},
      {With("to", nullptr), "to"},
      {With("from", nullptr), "from"},
      {With("body", nullptr), "body"},
      {With("to", 442071838750), "to"},
      {With("body", 123456), "body"},
      {With("client_ref", Repeat("r", 65)), "client_ref"},
      {With("message_id", "not-a-uuid"), "message_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message.dump());
    EXPECT_TRUE(IsProblem(Submit(c.message), 400, "invalid_field", c.field));
  }
}

TEST_F(ValidationTest, BoundaryTtlsAreAccepted) {
  EXPECT_TRUE(HasStatus(Submit(With("ttl", 60)), 202));
  EXPECT_TRUE(HasStatus(Submit(With("ttl", 259200)), 202));
}

TEST_F(ValidationTest, InvalidDestination) {
  for (const char* to : {"+1555", "+999123456789", "442071838750", "not a number"}) {
    SCOPED_TRACE(to);
    EXPECT_TRUE(IsProblem(Submit(With("to", to)), 400, "invalid_destination", "to"));
  }
}

TEST_F(ValidationTest, InvalidSender) {
  for (const char* from : {"AcmeCorpLtd1", "12", "123456789", "12345678901", "Acme!"}) {
    SCOPED_TRACE(from);
    EXPECT_TRUE(IsProblem(Submit(With("from", from)), 400, "invalid_sender", "from"));
  }
}

TEST_F(ValidationTest, EmptyOrWhitespaceBodyIsBodyEmpty) {
  for (const char* body : {"", "   ", " \n\t "}) {
    SCOPED_TRACE(Json(body).dump());
    EXPECT_TRUE(IsProblem(Submit(With("body", body)), 400, "body_empty", "body"));
  }
}

TEST_F(ValidationTest, MoreThanTenSegmentsIsBodyTooLong) {
  const std::string bodies[] = {
      Repeat("a", 1531),      // 1531 septets
      Repeat("\u20AC", 766),  // 1532 septets: the segment count decides
      Repeat("\u0416", 671),  // 671 UCS-2 code units
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body.substr(0, 12) + "…");
    EXPECT_TRUE(IsProblem(Submit(With("body", body)), 400, "body_too_long", "body"));
  }
}

TEST_F(ValidationTest, AnsweredErrorsStoreNothing) {
  std::string id = NewUuid();
  Json bad_destination = With("to", "+1555");
  bad_destination["message_id"] = id;
  Json bad_ttl = With("ttl", 59);
  bad_ttl["message_id"] = id;
  ASSERT_TRUE(IsProblem(Submit(bad_destination), 400, "invalid_destination"));
  ASSERT_TRUE(IsProblem(Submit(bad_ttl), 400, "invalid_field"));

  EXPECT_TRUE(Stored().empty());
  EXPECT_TRUE(IsProblem(server_.Get("/v1/messages/" + id, key_), 404, "not_found"));
  Json good = Message();
  good["message_id"] = id;
  HttpResponse r = Submit(good);
  EXPECT_TRUE(HasStatus(r, 202)) << "the failed attempts must not reserve the message_id";
}

TEST_F(ValidationTest, CallbackUrlMustBeAbsoluteHttp) {
  for (const char* url : {"not a url", "/relative/dlr", "ftp://producer.example/dlr",
                          "mailto:ops@producer.example"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(
        IsProblem(Submit(With("callback_url", url)), 400, "invalid_callback_url", "callback_url"));
  }
}

TEST(CallbackUrlSsrfTest, PrivateTargetsAreRefusedByDefault) {
  DelivererProcess server("[security]\nallow_private_callbacks = false\n");
  std::string key = server.CreateKey("acme", kSendRead);
  for (const char* url : {"http://127.0.0.1/x", "http://[::1]/x", "http://10.0.0.1/x",
                          "http://192.168.1.10/x", "http://169.254.169.254/latest/meta-data"}) {
    SCOPED_TRACE(url);
    Json message = With("callback_url", url);
    EXPECT_TRUE(IsProblem(server.Post("/v1/messages", message, key), 400, "invalid_callback_url",
                          "callback_url"));
  }
}

TEST(CallbackUrlSsrfTest, PrivateTargetsAreAcceptedWhenAllowed) {
  DelivererProcess server("[security]\nallow_private_callbacks = true\n");
  std::string key = server.CreateKey("acme", kSendRead);

  HttpResponse r = server.Post("/v1/messages", With("callback_url", "http://127.0.0.1/x"), key);

  EXPECT_TRUE(HasStatus(r, 202));
}

TEST(ContentRulesTest, DisallowedContentIsRejected) {
  DelivererProcess server("[content]\ndisallowed = [\"(?i)forbidden\"]\n");
  std::string key = server.CreateKey("acme", kSendRead);

  HttpResponse rejected =
      server.Post("/v1/messages", Message(kTo, "This is FORBIDDEN content"), key);
  HttpResponse accepted = server.Post("/v1/messages", Message(kTo, "This is fine"), key);

  EXPECT_TRUE(IsProblem(rejected, 400, "content_rejected", "body"));
  EXPECT_TRUE(HasStatus(accepted, 202));
}

}  // namespace
}  // namespace deliverer::integration
