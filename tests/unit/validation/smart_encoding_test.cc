// `smart_encoding` in POST /v1/messages and /v1/messages/batch (docs/api.md "Smart
// encoding"): the field, the account default, and the encoding and segments recorded.
#include "validation_test_util.h"

// A namespace of its own: the test sources are compiled in batches, and request_test.cc's
// names are taken.
namespace deliverer::validation::smart_encoding_test {
namespace {

using testing::HasError;
using testing::MakeValidator;
using testing::Repeat;
using testing::Request;
using testing::Str;
using testing::Succeeds;

// 95 characters with curly quotes: 2 segments in UCS-2, 1 in GSM-7 once replaced.
const std::string kCurly = "\u201CHello\u201D, it\u2019s your code: " + Repeat("1234567890", 7);
const std::string kReplaced = "\"Hello\", it's your code: " + Repeat("1234567890", 7);

class SmartEncodingRequestTest : public ::testing::Test {
 protected:
  Result<ValidatedMessage> Parse(const std::string& json, MessageDefaults defaults = {}) const {
    return validator_->ParseMessage(json, defaults);
  }
  static std::string WithBody(const std::string& body, const char* smart = nullptr) {
    testing::Overrides overrides = {{"body", Str(body)}};
    if (smart != nullptr) overrides["smart_encoding"] = smart;
    return Request(overrides);
  }
  std::unique_ptr<Validator> validator_ = MakeValidator();
};

TEST_F(SmartEncodingRequestTest, RecordsTheEncodingAndSegmentsSentButKeepsTheBody) {
  Result<ValidatedMessage> m = Parse(WithBody(kCurly, "true"));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_TRUE(m->smart_encoding);
  EXPECT_EQ(m->encoding, model::Encoding::kGsm7);
  EXPECT_EQ(m->segments, 1);
  EXPECT_EQ(m->body, kCurly) << "the producer's text is what is stored";
}

TEST_F(SmartEncodingRequestTest, WithoutItTheBodyStaysUcs2) {
  for (const char* smart : {static_cast<const char*>(nullptr), "false", "null"}) {
    SCOPED_TRACE(smart == nullptr ? "absent" : smart);
    Result<ValidatedMessage> m = Parse(WithBody(kCurly, smart));
    ASSERT_TRUE(Succeeds(m));
    EXPECT_FALSE(m->smart_encoding);
    EXPECT_EQ(m->encoding, model::Encoding::kUcs2);
    EXPECT_EQ(m->segments, 2);
  }
}

TEST_F(SmartEncodingRequestTest, AnotherUcs2CharacterKeepsTheWholeBodyInUcs2) {
  Result<ValidatedMessage> m = Parse(WithBody(kCurly + " \U0001F600", "true"));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->encoding, model::Encoding::kUcs2);
  EXPECT_EQ(m->segments, 2);
}

TEST_F(SmartEncodingRequestTest, TheSegmentLimitIsCheckedOnWhatIsSent) {
  // 700 UCS-2 units (11 segments) as written; 1400 septets (10 segments) once replaced.
  const std::string body = Repeat("a\u2026", 350);
  EXPECT_TRUE(HasError(Parse(WithBody(body)), "body_too_long", "body"));
  Result<ValidatedMessage> m = Parse(WithBody(body, "true"));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->encoding, model::Encoding::kGsm7);
  EXPECT_EQ(m->segments, 10);
}

TEST_F(SmartEncodingRequestTest, AReplacementThatWouldCostMoreSegmentsIsNotMade) {
  // 511 UCS-2 units (8 segments) as written; 1531 septets (11 segments) replaced, which
  // would even be over the limit.
  Result<ValidatedMessage> m = Parse(WithBody("x" + Repeat("\u2026", 510), "true"));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->encoding, model::Encoding::kUcs2);
  EXPECT_EQ(m->segments, 8);
}

TEST_F(SmartEncodingRequestTest, TheAccountDefaultAppliesAndTheRequestOverridesIt) {
  const MessageDefaults on{.smart_encoding = true};
  Result<ValidatedMessage> by_default = Parse(WithBody(kCurly), on);
  ASSERT_TRUE(Succeeds(by_default));
  EXPECT_TRUE(by_default->smart_encoding);
  EXPECT_EQ(by_default->encoding, model::Encoding::kGsm7);
  Result<ValidatedMessage> null_is_absent = Parse(WithBody(kCurly, "null"), on);
  ASSERT_TRUE(Succeeds(null_is_absent));
  EXPECT_EQ(null_is_absent->encoding, model::Encoding::kGsm7);
  Result<ValidatedMessage> turned_off = Parse(WithBody(kCurly, "false"), on);
  ASSERT_TRUE(Succeeds(turned_off));
  EXPECT_FALSE(turned_off->smart_encoding);
  EXPECT_EQ(turned_off->encoding, model::Encoding::kUcs2);
  EXPECT_EQ(turned_off->segments, 2);
}

TEST_F(SmartEncodingRequestTest, ANonBooleanIsAWronglyTypedField) {
  for (const char* value : {"\"true\"", "1", "0", "[true]", "{}"}) {
    SCOPED_TRACE(value);
    EXPECT_TRUE(HasError(Parse(WithBody(kCurly, value)), "invalid_field", "smart_encoding"));
  }
  EXPECT_EQ(Parse(WithBody(kCurly, "1")).error().detail, "'smart_encoding' must be a boolean");
}

TEST_F(SmartEncodingRequestTest, ContentRulesSeeTheProducersText) {
  ValidatorOptions options;
  options.disallowed_content = {"\u201Cwin\u201D"};
  auto validator = MakeValidator(options);
  EXPECT_TRUE(HasError(validator->ParseMessage(WithBody("\u201Cwin\u201D now", "true")),
                       "content_rejected", "body"));
}

TEST_F(SmartEncodingRequestTest, ItIsPartOfTheIdempotencyPayload) {
  Result<ValidatedMessage> with = Parse(WithBody(kCurly, "true"));
  Result<ValidatedMessage> without = Parse(WithBody(kCurly));
  ASSERT_TRUE(Succeeds(with));
  ASSERT_TRUE(Succeeds(without));
  EXPECT_NE(with->canonical_payload, without->canonical_payload);
  EXPECT_NE(with->canonical_payload.find(R"("smart_encoding":true,"to")"), std::string::npos)
      << with->canonical_payload;
}

TEST_F(SmartEncodingRequestTest, BatchItemsTakeItAndTheAccountDefault) {
  const std::string json = R"({"messages":[)" + WithBody(kCurly, "true") + "," + WithBody(kCurly) +
                           "," + WithBody(kCurly, "\"yes\"") + "]}";
  auto plain = validator_->ParseBatch(json);
  ASSERT_TRUE(Succeeds(plain));
  ASSERT_EQ(plain->size(), 3u);
  ASSERT_TRUE(Succeeds((*plain)[0]));
  EXPECT_EQ((*plain)[0]->encoding, model::Encoding::kGsm7);
  EXPECT_EQ((*plain)[0]->segments, 1);
  ASSERT_TRUE(Succeeds((*plain)[1]));
  EXPECT_EQ((*plain)[1]->encoding, model::Encoding::kUcs2);
  EXPECT_TRUE(HasError((*plain)[2], "invalid_field", "smart_encoding"));

  auto defaulted = validator_->ParseBatch(json, MessageDefaults{.smart_encoding = true});
  ASSERT_TRUE(Succeeds(defaulted));
  ASSERT_TRUE(Succeeds((*defaulted)[1]));
  EXPECT_EQ((*defaulted)[1]->encoding, model::Encoding::kGsm7);
  EXPECT_EQ((*defaulted)[1]->segments, 1);
}

}  // namespace
}  // namespace deliverer::validation::smart_encoding_test
