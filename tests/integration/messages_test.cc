// POST /v1/messages and GET /v1/messages/{id} as a producer uses them (docs/api.md): what an
// accepted message answers, what it reads back as, encodings and segment counts.
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

class MessagesTest : public ::testing::Test {
 protected:
  HttpResponse Submit(const Json& message) const {
    return server_.Post("/v1/messages", message, key_);
  }
  HttpResponse Read(const std::string& id) const { return server_.Get("/v1/messages/" + id, key_); }

  DelivererProcess server_;
  std::string key_ = server_.CreateKey("acme", kSendRead);
};

TEST_F(MessagesTest, AcceptedMessageAnswers202WithLocationAndQueuedStatus) {
  HttpResponse r = Submit(Message(kTo, "Your code is 123456"));

  ASSERT_TRUE(HasStatus(r, 202));
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r;
  std::string id = StringField(r.json, "message_id");
  EXPECT_TRUE(IsUuid(id, 7)) << "a generated message_id is a UUIDv7: " << r;
  EXPECT_EQ(r.Header("Location"), "/v1/messages/" + id);
  EXPECT_EQ(r.json["status"], "queued");
  EXPECT_EQ(r.json["encoding"], "gsm7");
  EXPECT_EQ(r.json["segments"], 1);
  EXPECT_TRUE(r.json["estimated_processing_ms"].is_number()) << r;
  EXPECT_TRUE(IsRfc3339Millis(StringField(r.json, "created_at"))) << r;
}

TEST_F(MessagesTest, CreatedAtIsTheServersCurrentUtcTime) {
  auto before = std::chrono::floor<Millis>(std::chrono::system_clock::now());
  HttpResponse r = Submit(Message());
  auto after = std::chrono::ceil<Millis>(std::chrono::system_clock::now());

  ASSERT_TRUE(HasStatus(r, 202));
  std::string created_at = StringField(r.json, "created_at");
  ASSERT_TRUE(IsRfc3339Millis(created_at)) << r;
  SysMillis created = ParseRfc3339Millis(created_at);
  EXPECT_GE(created, before) << created_at << " is before the request was sent";
  EXPECT_LE(created, after) << created_at << " is after the answer arrived";
}

TEST_F(MessagesTest, ClientSuppliedMessageIdIsKept) {
  std::string id = NewUuid();
  Json message = Message();
  message["message_id"] = id;

  HttpResponse r = Submit(message);

  ASSERT_TRUE(HasStatus(r, 202));
  EXPECT_EQ(r.json["message_id"], id);
  EXPECT_EQ(r.Header("Location"), "/v1/messages/" + id);
  EXPECT_TRUE(HasStatus(Read(id), 200));
}

TEST_F(MessagesTest, GetReturnsTheMessageWithItsEventsButNotItsBody) {
  Json message = Message(kTo, "Your code is 123456");
  message["client_ref"] = "order-991";
  HttpResponse accepted = Submit(message);
  ASSERT_TRUE(HasStatus(accepted, 202));
  std::string id = StringField(accepted.json, "message_id");

  HttpResponse r = Read(id);

  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r;
  for (const char* field :
       {"message_id", "account", "from", "to", "status", "type", "priority", "encoding", "segments",
        "client_ref", "attempts", "created_at", "updated_at", "events"}) {
    EXPECT_TRUE(r.json.contains(field)) << "no `" << field << "` in " << r;
  }
  EXPECT_EQ(r.json["message_id"], id);
  EXPECT_EQ(r.json["account"], "acme");
  EXPECT_EQ(r.json["from"], kFrom);
  EXPECT_EQ(r.json["to"], kTo);
  EXPECT_EQ(r.json["status"], "queued");
  EXPECT_EQ(r.json["type"], "sms");
  EXPECT_EQ(r.json["priority"], "normal");
  EXPECT_EQ(r.json["encoding"], "gsm7");
  EXPECT_EQ(r.json["segments"], 1);
  EXPECT_EQ(r.json["client_ref"], "order-991");
  EXPECT_EQ(r.json["attempts"], 0);
  EXPECT_EQ(r.json["created_at"], accepted.json["created_at"]);
  EXPECT_TRUE(IsRfc3339Millis(StringField(r.json, "updated_at"))) << r;
  EXPECT_TRUE(!r.json.contains("error") || r.json["error"].is_null()) << r;
  EXPECT_FALSE(r.json.contains("body")) << "the body must not be returned: " << r;
  EXPECT_EQ(r.body.find("Your code is 123456"), std::string::npos) << r;

  const Json& events = r.json["events"];
  ASSERT_TRUE(events.is_array() && !events.empty()) << r;
  EXPECT_EQ(events[0]["status"], "queued");
  EXPECT_TRUE(IsRfc3339Millis(StringField(events[0], "at"))) << r;
}

TEST_F(MessagesTest, OptionalFieldsAreStoredAndEchoed) {
  Json message = Message();
  message["type"] = "flash";
  message["priority"] = "high";
  message["ttl"] = 60;
  message["callback_url"] = "https://producer.example/dlr";
  message["client_ref"] = Repeat("r", 64);
  HttpResponse accepted = Submit(message);
  ASSERT_TRUE(HasStatus(accepted, 202));

  HttpResponse r = Read(StringField(accepted.json, "message_id"));

  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(r.json["type"], "flash");
  EXPECT_EQ(r.json["priority"], "high");
  EXPECT_EQ(r.json["client_ref"], Repeat("r", 64));
}

TEST_F(MessagesTest, AcceptedSendersOfEveryKind) {
  for (const char* from :
       {"+14155550100", "12345", "123", "12345678", "Acme", "AcmeCorpLtd", "My Shop 24"}) {
    SCOPED_TRACE(from);
    Json message = Message();
    message["from"] = from;
    EXPECT_TRUE(HasStatus(Submit(message), 202));
  }
}

struct EncodingCase {
  const char* name;
  std::string body;
  const char* encoding;
  int segments;
};

TEST_F(MessagesTest, EncodingAndSegmentsFollowTheBody) {
  const EncodingCase cases[] = {
      {"short GSM-7", "Your code is 123456", "gsm7", 1},
      {"160 GSM-7 characters", Repeat("a", 160), "gsm7", 1},
      {"161 GSM-7 characters", Repeat("a", 161), "gsm7", 2},
      {"1530 GSM-7 characters", Repeat("a", 1530), "gsm7", 10},
      {"80 euro signs: 160 septets", Repeat("\u20AC", 80), "gsm7", 1},
      {"81 euro signs: 162 septets", Repeat("\u20AC", 81), "gsm7", 2},
      {"an emoji", "Hi \U0001F600", "ucs2", 1},
      {"70 Cyrillic letters", Repeat("\u0416", 70), "ucs2", 1},
      {"71 Cyrillic letters", Repeat("\u0416", 71), "ucs2", 2},
      {"670 Cyrillic letters", Repeat("\u0416", 670), "ucs2", 10},
  };
  for (const EncodingCase& c : cases) {
    SCOPED_TRACE(c.name);
    HttpResponse accepted = Submit(Message(kTo, c.body));
    ASSERT_TRUE(HasStatus(accepted, 202));
    EXPECT_EQ(accepted.json["encoding"], c.encoding);
    EXPECT_EQ(accepted.json["segments"], c.segments);

    HttpResponse r = Read(StringField(accepted.json, "message_id"));
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_EQ(r.json["encoding"], c.encoding);
    EXPECT_EQ(r.json["segments"], c.segments);
  }
}

TEST_F(MessagesTest, MessagesWithoutMessageIdAreDistinct) {
  HttpResponse first = Submit(Message());
  HttpResponse second = Submit(Message());

  ASSERT_TRUE(HasStatus(first, 202));
  ASSERT_TRUE(HasStatus(second, 202));
  EXPECT_NE(first.json["message_id"], second.json["message_id"]);
}

TEST_F(MessagesTest, UnknownIdIs404) { EXPECT_TRUE(IsProblem(Read(NewUuid()), 404, "not_found")); }

TEST_F(MessagesTest, JsonWithCharsetParameterIsAccepted) {
  HttpResponse r =
      server_.PostRaw("/v1/messages", Message().dump(), key_, "application/json; charset=utf-8");
  EXPECT_TRUE(HasStatus(r, 202));
}

TEST_F(MessagesTest, NonJsonContentTypeIs415AndStoresNothing) {
  HttpResponse r = server_.PostRaw("/v1/messages", Message().dump(), key_, "text/plain");

  EXPECT_TRUE(IsProblem(r, 415, "unsupported_media_type"));
  HttpResponse list = server_.Get("/v1/messages", key_);
  ASSERT_TRUE(HasStatus(list, 200));
  EXPECT_TRUE(list.json["data"].empty()) << list;
}

}  // namespace
}  // namespace deliverer::integration
