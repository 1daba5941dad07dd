// POST /v1/messages/batch (docs/api.md): 207 with one result per item, each item validated and
// stored independently; a body that is not a batch is a plain 400.
#include "integration/harness.h"

namespace deliverer::integration {
namespace {

class BatchTest : public ::testing::Test {
 protected:
  HttpResponse SubmitBatch(const Json& messages) const {
    return server_.Post("/v1/messages/batch", {{"messages", messages}}, key_);
  }

  DelivererProcess server_;
  std::string key_ = server_.CreateKey("acme", kSendRead);
};

TEST_F(BatchTest, MixedBatchAnswers207WithOneResultPerItem) {
  Json messages = Json::array({Message(kTo), Message("+1555"), Message(kToFr)});

  HttpResponse r = SubmitBatch(messages);

  ASSERT_TRUE(HasStatus(r, 207));
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r;
  Json& results = r.json["results"];
  ASSERT_TRUE(results.is_array() && results.size() == 3) << r;
  for (int i : {0, 2}) {
    SCOPED_TRACE(i);
    EXPECT_EQ(results[i]["index"], i);
    EXPECT_EQ(results[i]["status"], 202);
    std::string id = StringField(results[i], "message_id");
    ASSERT_TRUE(IsUuid(id)) << r;
    HttpResponse stored = server_.Get("/v1/messages/" + id, key_);
    ASSERT_TRUE(HasStatus(stored, 200));
    EXPECT_EQ(stored.json["to"], messages[i]["to"]);
    EXPECT_EQ(stored.json["status"], "queued");
  }
  EXPECT_EQ(results[1]["index"], 1);
  EXPECT_EQ(results[1]["status"], 400);
  EXPECT_EQ(results[1]["error"]["code"], "invalid_destination") << r;
  EXPECT_EQ(results[1]["error"]["field"], "to") << r;
  EXPECT_FALSE(results[1].contains("message_id") && !results[1]["message_id"].is_null()) << r;

  HttpResponse list = server_.Get("/v1/messages", key_);
  EXPECT_EQ(list.json["data"].size(), 2u) << "the bad item stored nothing: " << list;
}

TEST_F(BatchTest, ItemsKeepTheirMessageIdsAndIdempotency) {
  std::string id = NewUuid();
  Json message = Message();
  message["message_id"] = id;
  ASSERT_TRUE(HasStatus(server_.Post("/v1/messages", message, key_), 202));
  Json changed = message;
  changed["body"] = "another body";

  HttpResponse r = SubmitBatch(Json::array({changed, Message(kToDe)}));

  ASSERT_TRUE(HasStatus(r, 207));
  EXPECT_EQ(r.json["results"][0]["status"], 409);
  EXPECT_EQ(r.json["results"][0]["error"]["code"], "idempotency_conflict") << r;
  EXPECT_EQ(r.json["results"][1]["status"], 202);
}

TEST_F(BatchTest, ASuppressedRecipientFailsItsItemOnly) {
  const std::string writer = server_.CreateKey("acme", "suppressions:write");
  ASSERT_TRUE(HasStatus(server_.Put("/v1/suppressions/" + std::string(kToFr), {{"reason", "asked"}}, writer), 200));

  HttpResponse r = SubmitBatch(Json::array({Message(kTo), Message(kToFr), Message(kToDe)}));

  ASSERT_TRUE(HasStatus(r, 207));
  Json& results = r.json["results"];
  ASSERT_TRUE(results.is_array() && results.size() == 3) << r;
  EXPECT_EQ(results[0]["status"], 202) << r;
  EXPECT_EQ(results[1]["status"], 422) << r;
  EXPECT_EQ(results[1]["error"]["code"], "recipient_suppressed") << r;
  EXPECT_EQ(results[2]["status"], 202) << r;
  EXPECT_EQ(server_.Get("/v1/messages", key_).json["data"].size(), 2u);
}

TEST_F(BatchTest, EmptyBatchIs400) {
  HttpResponse r = SubmitBatch(Json::array());

  ASSERT_TRUE(HasStatus(r, 400));
  EXPECT_EQ(r.Header("Content-Type").rfind("application/problem+json", 0), 0u) << r;
  EXPECT_EQ(r.json["status"], 400);
}

TEST_F(BatchTest, MoreThan1000ItemsIs400) {
  Json messages = Json::array();
  for (int i = 0; i < 1001; ++i) messages.push_back(Message());

  HttpResponse r = SubmitBatch(messages);

  ASSERT_TRUE(HasStatus(r, 400));
  EXPECT_EQ(r.Header("Content-Type").rfind("application/problem+json", 0), 0u) << r;
  HttpResponse list = server_.Get("/v1/messages", key_);
  EXPECT_TRUE(list.json["data"].empty()) << list;
}

TEST_F(BatchTest, BodyThatIsNotABatchIs400) {
  EXPECT_TRUE(
      IsProblem(server_.PostRaw("/v1/messages/batch", "not json", key_), 400, "invalid_json"));
  EXPECT_TRUE(IsProblem(server_.PostRaw("/v1/messages/batch", "[]", key_), 400, "invalid_json"));
  HttpResponse r = server_.Post("/v1/messages/batch", {{"messages", Message()}}, key_);
  EXPECT_TRUE(IsProblem(r, 400, "invalid_field", "messages"));
}

}  // namespace
}  // namespace deliverer::integration
