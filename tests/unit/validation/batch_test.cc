// POST /v1/messages/batch: the envelope, and items validated independently.
#include "validation_test_util.h"

namespace deliverer::validation {
namespace {

using testing::HasError;
using testing::MakeValidator;
using testing::Request;
using testing::Str;
using testing::Succeeds;

class BatchTest : public ::testing::Test {
 protected:
  using Batch = Result<std::vector<Result<ValidatedMessage>>>;

  Batch Parse(const std::string& json) const { return validator_->ParseBatch(json); }

  static std::string Messages(const std::vector<std::string>& items) {
    std::string json = R"({"messages":[)";
    for (size_t i = 0; i < items.size(); ++i) json += (i ? "," : "") + items[i];
    return json + "]}";
  }

  std::unique_ptr<Validator> validator_ = MakeValidator();
};

TEST_F(BatchTest, GoodAndBadItemsAreValidatedIndependently) {
  Batch batch = Parse(Messages({
      Request(),
      Request({{"to", Str("+1555")}}),
      "42",
      Request({{"colour", Str("red")}}),
      R"({"from":"Shop","to":"+33142685300","body":"a","body":"b"})",
      Request({{"from", Str("Shop")}, {"client_ref", Str("last")}}),
  }));
  ASSERT_TRUE(Succeeds(batch));
  ASSERT_EQ(batch->size(), 6u);
  EXPECT_TRUE(Succeeds((*batch)[0]));
  EXPECT_TRUE(HasError((*batch)[1], "invalid_destination", "to"));
  EXPECT_TRUE(HasError((*batch)[2], "invalid_json", ""));
  EXPECT_TRUE(HasError((*batch)[3], "invalid_field", "colour"));
  EXPECT_TRUE(HasError((*batch)[4], "invalid_json", ""));
  ASSERT_TRUE(Succeeds((*batch)[5]));
  EXPECT_EQ((*batch)[5]->client_ref, "last");
}

TEST_F(BatchTest, ItemsAreValidatedExactlyLikeSingleMessages) {
  const std::string item = Request({{"ttl", "600"}, {"type", Str("flash")}});
  Batch batch = Parse(Messages({item}));
  ASSERT_TRUE(Succeeds(batch));
  ASSERT_EQ(batch->size(), 1u);
  Result<ValidatedMessage> single = validator_->ParseMessage(item);
  ASSERT_TRUE(Succeeds((*batch)[0]));
  EXPECT_EQ((*batch)[0]->canonical_payload, single->canonical_payload);
  EXPECT_EQ((*batch)[0]->ttl_seconds, 600);
  EXPECT_EQ((*batch)[0]->type, model::MessageType::kFlash);
}

TEST_F(BatchTest, ItemsThatAreNotObjectsAreInvalidJson) {
  Batch batch = Parse(Messages({"null", "[]", "\"x\"", "true"}));
  ASSERT_TRUE(Succeeds(batch));
  for (const auto& item : *batch) EXPECT_TRUE(HasError(item, "invalid_json", ""));
}

TEST_F(BatchTest, EnvelopeThatIsNotAJsonObjectIsInvalidJson) {
  for (const char* body : {"", "{", "[]", R"([{"messages":[]}])", "\"messages\"", "null",
                           R"({"messages":[],"messages":[]})"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(HasError(Parse(body), "invalid_json", ""));
  }
}

TEST_F(BatchTest, EnvelopeKeysOtherThanMessagesAreNamed) {
  EXPECT_TRUE(HasError(Parse(R"({"messages":[{}],"dry_run":true})"), "invalid_field", "dry_run"));
  EXPECT_TRUE(HasError(Parse(R"({"message":[{}]})"), "invalid_field", "message"));
}

TEST_F(BatchTest, MessagesMustBeAnArrayOfOneToAThousand) {
  for (const char* body : {"{}", R"({"messages":null})", R"({"messages":{}})",
                           R"({"messages":"x"})", R"({"messages":[]})"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(HasError(Parse(body), "invalid_field", "messages"));
  }
}

TEST_F(BatchTest, AThousandItemsAreAcceptedAndOneMoreIsNot) {
  const std::vector<std::string> thousand(1000, Request());
  Batch batch = Parse(Messages(thousand));
  ASSERT_TRUE(Succeeds(batch));
  EXPECT_EQ(batch->size(), 1000u);
  for (const auto& item : *batch) ASSERT_TRUE(Succeeds(item));

  std::vector<std::string> too_many = thousand;
  too_many.push_back(Request());
  EXPECT_TRUE(HasError(Parse(Messages(too_many)), "invalid_field", "messages"));
}

TEST_F(BatchTest, OneItemIsEnough) {
  Batch batch = Parse(Messages({Request()}));
  ASSERT_TRUE(Succeeds(batch));
  EXPECT_EQ(batch->size(), 1u);
}

}  // namespace
}  // namespace deliverer::validation
