// POST /v1/messages: JSON shape, field order, types, and the per-field rules other than
// numbers and callback URLs (numbers_test.cc, callback_url_test.cc).
#include <thread>

#include "validation_test_util.h"

namespace deliverer::validation {
namespace {

using testing::HasError;
using testing::MakeValidator;
using testing::Repeat;
using testing::Request;
using testing::Str;
using testing::Succeeds;

class RequestTest : public ::testing::Test {
 protected:
  Result<ValidatedMessage> Parse(const std::string& json) const {
    return validator_->ParseMessage(json);
  }
  std::unique_ptr<Validator> validator_ = MakeValidator();
};

// --- A valid request -----------------------------------------------------------------------

TEST_F(RequestTest, MinimalRequestGetsDefaults) {
  Result<ValidatedMessage> m = Parse(Request());
  ASSERT_TRUE(Succeeds(m));
  EXPECT_FALSE(m->message_id.has_value());
  EXPECT_EQ(m->from, "+14155550100");
  EXPECT_EQ(m->sender_kind, SenderKind::kE164);
  EXPECT_EQ(m->to, "+442071838750");
  EXPECT_EQ(m->to_region, "GB");
  EXPECT_EQ(m->body, "Your code is 123456");
  EXPECT_EQ(m->type, model::MessageType::kSms);
  EXPECT_EQ(m->priority, model::Priority::kNormal);
  EXPECT_EQ(m->ttl_seconds, model::kDefaultTtlSeconds);
  EXPECT_EQ(m->callback_url, "");
  EXPECT_EQ(m->client_ref, "");
  EXPECT_EQ(m->encoding, model::Encoding::kGsm7);
  EXPECT_EQ(m->segments, 1);
}

TEST_F(RequestTest, FullRequestFromTheApiExample) {
  Result<ValidatedMessage> m =
      Parse(R"({"message_id":"0193A4C2-7B1e-7c3d-8e4f-0123456789ab","from":"+14155550100",)"
            R"("to":"+442071838750","body":"Your code is 123456","type":"flash",)"
            R"("priority":"high","ttl":86400,"callback_url":"https://producer.example/dlr",)"
            R"("client_ref":"order-991"})");
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->message_id, "0193a4c2-7b1e-7c3d-8e4f-0123456789ab");
  EXPECT_EQ(m->type, model::MessageType::kFlash);
  EXPECT_EQ(m->priority, model::Priority::kHigh);
  EXPECT_EQ(m->ttl_seconds, 86400);
  EXPECT_EQ(m->callback_url, "https://producer.example/dlr");
  EXPECT_EQ(m->client_ref, "order-991");
}

TEST_F(RequestTest, OptionalFieldsGivenAsNullAreAbsent) {
  Result<ValidatedMessage> m = Parse(Request({{"message_id", "null"},
                                              {"type", "null"},
                                              {"priority", "null"},
                                              {"ttl", "null"},
                                              {"callback_url", "null"},
                                              {"client_ref", "null"}}));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_FALSE(m->message_id.has_value());
  EXPECT_EQ(m->ttl_seconds, model::kDefaultTtlSeconds);
  EXPECT_EQ(m->canonical_payload, Parse(Request())->canonical_payload);
}

TEST_F(RequestTest, UnicodeEscapesInStringsAreDecoded) {
  Result<ValidatedMessage> m = Parse(Request({{"body", R"("caf\u00e9 \ud83d\ude00")"}}));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->body, "café 😀");
  EXPECT_EQ(m->encoding, model::Encoding::kUcs2);
}

// --- JSON shape ----------------------------------------------------------------------------

TEST_F(RequestTest, NotJsonIsInvalidJson) {
  for (const char* body : {"", " ", "{", "from=+1", "{\"from\":}", "{'from':'x'}", "nul",
                           "{\"body\":\"a\"} trailing", "\xEF\xBB\xBF{}", "{\"a\":\"\xC0\"}"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(HasError(Parse(body), "invalid_json", ""));
  }
}

TEST_F(RequestTest, JsonThatIsNotAnObjectIsInvalidJson) {
  for (const char* body : {"[]", "[{\"from\":\"x\"}]", "\"text\"", "42", "true", "null"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(HasError(Parse(body), "invalid_json", ""));
  }
}

TEST_F(RequestTest, DuplicateKeysAreInvalidJson) {
  EXPECT_TRUE(HasError(Parse(R"({"from":"+14155550100","to":"+442071838750","body":"a",)"
                             R"("body":"b"})"),
                       "invalid_json", ""));
  // Even a duplicated unknown key: the shape is checked before the names.
  EXPECT_TRUE(HasError(Parse(R"({"zz":1,"zz":2})"), "invalid_json", ""));
}

TEST_F(RequestTest, DeepNestingIsRejectedNotACrash) {
  const std::string deep = R"({"body":)" + Repeat("[", 5000) + Repeat("]", 5000) + "}";
  EXPECT_FALSE(Parse(deep).ok());
}

// --- Unknown fields, then the fields in a fixed order -------------------------------------

TEST_F(RequestTest, UnknownFieldIsNamed) {
  EXPECT_TRUE(HasError(Parse(Request({{"callbackUrl", Str("https://x.example/")}})),
                       "invalid_field", "callbackUrl"));
  EXPECT_TRUE(HasError(Parse(Request({{"From", Str("Shop")}})), "invalid_field", "From"));
}

TEST_F(RequestTest, UnknownFieldIsCheckedBeforeEveryOtherRule) {
  EXPECT_TRUE(HasError(Parse(R"({"to":"bad","extra":true})"), "invalid_field", "extra"));
  EXPECT_TRUE(HasError(Parse(R"({"extra":null})"), "invalid_field", "extra"));
}

TEST_F(RequestTest, ErrorsAreReportedInTheDocumentedFieldOrder) {
  struct Step {
    std::string field, bad, code, fix;
  };
  const std::vector<Step> steps = {
      {"message_id", Str("x"), "invalid_field", "null"},
      {"from", Str("!!"), "invalid_sender", Str("+14155550100")},
      {"to", Str("+1555"), "invalid_destination", Str("+442071838750")},
      {"smart_encoding", Str("yes"), "invalid_field", "true"},
      {"body", Str(""), "body_empty", Str("hi")},
      {"type", Str("mms"), "invalid_field", Str("sms")},
      {"priority", Str("urgent"), "invalid_field", Str("low")},
      {"ttl", "59", "invalid_field", "60"},
      {"callback_url", Str("ftp://a.example/"), "invalid_callback_url", Str("https://a.example/")},
      {"client_ref", Str(Repeat("r", 65)), "invalid_field", Str("r")},
      {"send_at", Str("tomorrow"), "invalid_field", Str("2026-12-24T09:00:00+01:00")},
  };
  testing::Overrides request;
  for (const Step& step : steps) request[step.field] = step.bad;
  for (const Step& step : steps) {
    EXPECT_TRUE(HasError(Parse(Request(request)), step.code, step.field));
    request[step.field] = step.fix;
  }
  EXPECT_TRUE(Succeeds(Parse(Request(request))));
}

TEST_F(RequestTest, RequiredFieldsMissingOrNull) {
  for (const char* field : {"from", "to", "body"}) {
    SCOPED_TRACE(field);
    Result<ValidatedMessage> missing = Parse(Request({{field, std::nullopt}}));
    EXPECT_TRUE(HasError(missing, "invalid_field", field));
    EXPECT_EQ(missing.error().detail, "'" + std::string(field) + "' is required");
    EXPECT_TRUE(HasError(Parse(Request({{field, "null"}})), "invalid_field", field));
  }
  EXPECT_TRUE(HasError(Parse("{}"), "invalid_field", "from"));
}

TEST_F(RequestTest, EveryFieldOfTheWrongTypeIsNamed) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"message_id", {"1", "true", "{}", "[]"}},
      {"from", {"14155550100", "false", "[\"+14155550100\"]"}},
      {"to", {"442071838750", "{\"n\":1}"}},
      {"body", {"123", "[\"a\"]", "true"}},
      {"type", {"0", "[\"sms\"]"}},
      {"priority", {"1", "true"}},
      {"ttl", {"\"60\"", "true", "60.5", "60.0", "6e1", "[60]"}},
      {"callback_url", {"1", "{}"}},
      {"client_ref", {"991", "[]"}},
      {"send_at", {"1766563200000", "true", "{}"}},
      {"smart_encoding", {"\"true\"", "1", "[true]", "{}"}},
  };
  for (const auto& [field, values] : cases) {
    for (const std::string& value : values) {
      SCOPED_TRACE(field + "=" + value);
      EXPECT_TRUE(HasError(Parse(Request({{field, value}})), "invalid_field", field));
    }
  }
  EXPECT_EQ(Parse(Request({{"ttl", "60.5"}})).error().detail, "'ttl' must be an integer");
  EXPECT_EQ(Parse(Request({{"from", "1"}})).error().detail, "'from' must be a string");
}

// --- send_at -------------------------------------------------------------------------------

TEST_F(RequestTest, SendAtIsAnRfc3339TimeWithItsOffset) {
  Result<ValidatedMessage> m = Parse(Request({{"send_at", Str("2026-12-24T09:00:00+01:00")}}));
  ASSERT_TRUE(Succeeds(m));
  ASSERT_TRUE(m->send_at_ms.has_value());
  EXPECT_EQ(*m->send_at_ms, 1'798'099'200'000);  // 08:00 UTC
  EXPECT_EQ(Parse(Request({{"send_at", Str("2026-12-24T08:00:00.000Z")}}))->send_at_ms, 1'798'099'200'000);
  EXPECT_FALSE(Parse(Request())->send_at_ms.has_value());
  EXPECT_FALSE(Parse(Request({{"send_at", "null"}}))->send_at_ms.has_value());
  // No offset, no date, or not a time at all: the producer's intent is ambiguous.
  for (const char* bad : {"2026-12-24T09:00:00", "2026-12-24", "09:00", "2026-13-01T00:00:00Z", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(HasError(Parse(Request({{"send_at", Str(bad)}})), "invalid_field", "send_at"));
  }
}

TEST_F(RequestTest, SendAtIsPartOfTheIdempotentPayload) {
  const auto at9 = Parse(Request({{"send_at", Str("2026-12-24T09:00:00Z")}}));
  const auto at10 = Parse(Request({{"send_at", Str("2026-12-24T10:00:00Z")}}));
  ASSERT_TRUE(Succeeds(at9) && Succeeds(at10));
  EXPECT_NE(at9->canonical_payload, at10->canonical_payload);
  EXPECT_NE(at9->canonical_payload, Parse(Request())->canonical_payload);
}

// --- message_id ----------------------------------------------------------------------------

TEST_F(RequestTest, MessageIdIsAnyUuidStoredLowerCased) {
  for (const char* id :
       {"0193a4c2-7b1e-7c3d-8e4f-0123456789ab", "550E8400-E29B-41D4-A716-446655440000",
        "00000000-0000-0000-0000-000000000000"}) {
    SCOPED_TRACE(id);
    Result<ValidatedMessage> m = Parse(Request({{"message_id", Str(id)}}));
    ASSERT_TRUE(Succeeds(m));
    std::string lower = id;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(m->message_id, lower);
  }
}

TEST_F(RequestTest, MessageIdThatIsNoUuidIsInvalidField) {
  for (const char* id :
       {"", "order-991", "0193a4c27b1e7c3d8e4f0123456789ab",
        "{0193a4c2-7b1e-7c3d-8e4f-0123456789ab}", "0193a4c2-7b1e-7c3d-8e4f-0123456789a",
        "0193a4c2-7b1e-7c3d-8e4f-0123456789abc", "0193a4c2-7b1e-7c3d-8e4f_0123456789ab",
        "g193a4c2-7b1e-7c3d-8e4f-0123456789ab", " 0193a4c2-7b1e-7c3d-8e4f-0123456789a"}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(HasError(Parse(Request({{"message_id", Str(id)}})), "invalid_field", "message_id"));
  }
}

// --- body ----------------------------------------------------------------------------------

TEST_F(RequestTest, EmptyOrBlankBodyIsBodyEmpty) {
  for (const char* body : {"", " ", "\\n\\t \\r", "\u00A0\u3000", "\u200B"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(HasError(Parse(Request({{"body", Str(body)}})), "body_empty", "body"));
  }
}

TEST_F(RequestTest, BodyFillsEncodingAndSegments) {
  Result<ValidatedMessage> gsm = Parse(Request({{"body", Str(Repeat("a", 161))}}));
  ASSERT_TRUE(Succeeds(gsm));
  EXPECT_EQ(gsm->encoding, model::Encoding::kGsm7);
  EXPECT_EQ(gsm->segments, 2);
  Result<ValidatedMessage> ucs = Parse(Request({{"body", Str("Привет")}}));
  ASSERT_TRUE(Succeeds(ucs));
  EXPECT_EQ(ucs->encoding, model::Encoding::kUcs2);
  EXPECT_EQ(ucs->segments, 1);
}

TEST_F(RequestTest, TenSegmentsIsTheLimitNotACharacterCount) {
  EXPECT_EQ(Parse(Request({{"body", Str(Repeat("a", 1530))}}))->segments, 10);
  EXPECT_TRUE(
      HasError(Parse(Request({{"body", Str(Repeat("a", 1531))}})), "body_too_long", "body"));
  EXPECT_EQ(Parse(Request({{"body", Str(Repeat("Ж", 670))}}))->segments, 10);
  EXPECT_TRUE(HasError(Parse(Request({{"body", Str(Repeat("Ж", 671))}})), "body_too_long", "body"));
  // An escape is never split from its character, so a segment holds 76 euro signs: 761 of
  // them (1522 septets, fewer than 1530) already need 11 segments.
  EXPECT_EQ(Parse(Request({{"body", Str(Repeat("€", 760))}}))->segments, 10);
  EXPECT_TRUE(HasError(Parse(Request({{"body", Str(Repeat("€", 761))}})), "body_too_long", "body"));
}

TEST_F(RequestTest, DisallowedContentIsContentRejected) {
  ValidatorOptions options;
  options.disallowed_content = {"(?i)casino", R"(bit\.ly/\w+)"};
  auto validator = MakeValidator(options);
  EXPECT_TRUE(HasError(validator->ParseMessage(Request({{"body", Str("Win at CASINO now")}})),
                       "content_rejected", "body"));
  EXPECT_TRUE(HasError(validator->ParseMessage(Request({{"body", Str("see bit.ly/abc")}})),
                       "content_rejected", "body"));
  EXPECT_TRUE(Succeeds(validator->ParseMessage(Request({{"body", Str("see bit.ly")}}))));
  EXPECT_TRUE(validator->ContentDisallowed("casinos"));
  EXPECT_FALSE(validator->ContentDisallowed("cas ino"));
  EXPECT_FALSE(validator_->ContentDisallowed("casino"));  // no rules configured
}

TEST_F(RequestTest, BodyLengthIsCheckedBeforeContent) {
  ValidatorOptions options;
  options.disallowed_content = {"spam"};
  auto validator = MakeValidator(options);
  EXPECT_TRUE(HasError(validator->ParseMessage(Request({{"body", Str(Repeat("spam", 400))}})),
                       "body_too_long", "body"));
}

TEST(ValidatorCreateTest, PatternThatDoesNotCompileIsInvalidConfigNamingIt) {
  ValidatorOptions options;
  options.disallowed_content = {"fine", "broken(["};
  Result<std::unique_ptr<Validator>> v = Validator::Create(options);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "invalid_config");
  EXPECT_NE(v.error().detail.find("broken(["), std::string::npos) << v.error().detail;
}

TEST(ValidatorCreateTest, PatternThatMatchesEveryBodyIsInvalidConfig) {
  for (const char* pattern : {"", "a*", "(?i)x?"}) {
    ValidatorOptions options;
    options.disallowed_content = {pattern};
    Result<std::unique_ptr<Validator>> v = Validator::Create(options);
    ASSERT_FALSE(v.ok()) << pattern;
    EXPECT_EQ(v.error().code, "invalid_config");
  }
}

// --- type, priority, ttl, client_ref --------------------------------------------------------

TEST_F(RequestTest, TypeAndPriorityTakeOnlyTheirNames) {
  EXPECT_EQ(Parse(Request({{"type", Str("sms")}}))->type, model::MessageType::kSms);
  EXPECT_EQ(Parse(Request({{"priority", Str("low")}}))->priority, model::Priority::kLow);
  EXPECT_EQ(Parse(Request({{"priority", Str("normal")}}))->priority, model::Priority::kNormal);
  for (const char* bad : {"SMS", "Flash", "", "mms", "class0"}) {
    EXPECT_TRUE(HasError(Parse(Request({{"type", Str(bad)}})), "invalid_field", "type")) << bad;
  }
  for (const char* bad : {"HIGH", "urgent", "", "0"}) {
    EXPECT_TRUE(HasError(Parse(Request({{"priority", Str(bad)}})), "invalid_field", "priority"))
        << bad;
  }
}

TEST_F(RequestTest, TtlBoundaries) {
  EXPECT_TRUE(HasError(Parse(Request({{"ttl", "59"}})), "invalid_field", "ttl"));
  EXPECT_EQ(Parse(Request({{"ttl", "60"}}))->ttl_seconds, 60);
  EXPECT_EQ(Parse(Request({{"ttl", "259200"}}))->ttl_seconds, 259200);
  EXPECT_TRUE(HasError(Parse(Request({{"ttl", "259201"}})), "invalid_field", "ttl"));
  for (const char* bad : {"0", "-60", "9223372036854775807", "18446744073709551615", "1e30"}) {
    EXPECT_TRUE(HasError(Parse(Request({{"ttl", bad}})), "invalid_field", "ttl")) << bad;
  }
}

TEST_F(RequestTest, ClientRefIsAtMost64Characters) {
  EXPECT_EQ(Parse(Request({{"client_ref", Str(Repeat("a", 64))}}))->client_ref, Repeat("a", 64));
  EXPECT_TRUE(HasError(Parse(Request({{"client_ref", Str(Repeat("a", 65))}})), "invalid_field",
                       "client_ref"));
  // Characters, not bytes: 64 three-byte characters are 192 bytes and fine.
  EXPECT_TRUE(Succeeds(Parse(Request({{"client_ref", Str(Repeat("€", 64))}}))));
  EXPECT_TRUE(Succeeds(Parse(Request({{"client_ref", Str(Repeat("😀", 64))}}))));
  EXPECT_TRUE(HasError(Parse(Request({{"client_ref", Str(Repeat("€", 65))}})), "invalid_field",
                       "client_ref"));
  EXPECT_TRUE(Succeeds(Parse(Request({{"client_ref", Str("")}}))));
}

// --- Canonical payload ---------------------------------------------------------------------

TEST_F(RequestTest, CanonicalPayloadIsSortedAndMinified) {
  Result<ValidatedMessage> m = Parse(
      "{ \"to\" : \"+442071838750\",\n \"ttl\": 3600, \"from\":\"Shop\", \"body\":\"Hi "
      "\\\"you\\\"\"}");
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->canonical_payload,
            R"({"body":"Hi \"you\"","from":"Shop","to":"+442071838750","ttl":3600})");
}

TEST_F(RequestTest, CanonicalPayloadIgnoresKeyOrderWhitespaceAndEscapes) {
  const std::string a =
      R"({"message_id":"550e8400-e29b-41d4-a716-446655440000","from":"+14155550100",)"
      R"("to":"+442071838750","body":"Caf\u00e9 A","ttl":600,"client_ref":"x"})";
  const std::string b =
      "{\n  \"client_ref\": \"x\",\n  \"ttl\": 600,\n  \"body\": \"Café \\u0041\",\n"
      "  \"to\": \"+442071838750\",\n  \"from\": \"+14155550100\",\n"
      "  \"message_id\": \"550E8400-E29B-41D4-A716-446655440000\",\n  \"type\": null\n}";
  ASSERT_TRUE(Succeeds(Parse(a)));
  ASSERT_TRUE(Succeeds(Parse(b)));
  EXPECT_EQ(Parse(a)->canonical_payload, Parse(b)->canonical_payload);
}

TEST_F(RequestTest, CanonicalPayloadDiffersWhenAValueDiffers) {
  const std::string base = Parse(Request())->canonical_payload;
  EXPECT_NE(Parse(Request({{"body", Str("Your code is 123457")}}))->canonical_payload, base);
  EXPECT_NE(Parse(Request({{"ttl", "600"}}))->canonical_payload, base);
  // A default given explicitly is still a different payload.
  EXPECT_NE(Parse(Request({{"type", Str("sms")}}))->canonical_payload, base);
}

// --- Concurrency ---------------------------------------------------------------------------

TEST_F(RequestTest, ParsesConcurrentlyFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string body = Str("thread " + std::to_string(t));
      for (int i = 0; i < 300; ++i) {
        Result<ValidatedMessage> m = validator_->ParseMessage(Request({{"body", body}}));
        if (!m.ok() || m->body != "thread " + std::to_string(t)) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace deliverer::validation
