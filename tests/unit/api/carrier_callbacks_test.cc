// reliability.md S5: carrier callbacks are the carrier's only with its address and secret.
#include "api/carrier_callbacks.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

namespace deliverer::api {
namespace {

constexpr int64_t kNow = 1'764'000'000;

Request Post(std::string body, std::string content_type = "application/json") {
  Request r{http::verb::post, "/v1/dlr/a", 11};
  r.set(http::field::content_type, content_type);
  r.body() = std::move(body);
  return r;
}

std::string Sign(const std::string& secret, int64_t t, const std::string& body) {
  unsigned char digest[32];
  unsigned int n = 0;
  const std::string data = std::to_string(t) + "." + body;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &n);
  std::string hex;
  for (unsigned i = 0; i < n; ++i) {
    char b[3];
    snprintf(b, sizeof b, "%02x", digest[i]);
    hex += b;
  }
  return "t=" + std::to_string(t) + ",v1=" + hex;
}

const CallbackAuth kAuth{"a", {"127.0.0.0/8", "2001:db8::/32"}, "s3cret"};

TEST(S5_CallbackAuthTest, TokenAndAllowedAddressPass) {
  Request r = Post("{}");
  r.set("X-Carrier-Token", "s3cret");
  EXPECT_TRUE(AuthenticateCallback(kAuth, r, "127.0.0.1", kNow));
  EXPECT_TRUE(AuthenticateCallback(kAuth, r, "2001:db8::7", kNow));
}

TEST(S5_CallbackAuthTest, WrongTokenOrAddressOrNothingFails) {
  Request r = Post("{}");
  r.set("X-Carrier-Token", "s3cret!");
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, "127.0.0.1", kNow));
  r.set("X-Carrier-Token", "s3cret");
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, "10.1.2.3", kNow));
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, "not an address", kNow));
  EXPECT_FALSE(AuthenticateCallback(kAuth, Post("{}"), "127.0.0.1", kNow));
  EXPECT_FALSE(AuthenticateCallback(CallbackAuth{"open", {}, ""}, r, "127.0.0.1", kNow))
      << "a carrier with no allowlist and no secret accepts nothing";
}

TEST(S5_CallbackAuthTest, SignatureOverTheBodyPassesAndAChangedFieldFails) {
  const std::string body = R"({"carrier_message_id":"1A","status":"DELIVRD"})";
  Request r = Post(body);
  r.set("X-Carrier-Signature", Sign("s3cret", kNow, body));
  EXPECT_TRUE(AuthenticateCallback(kAuth, r, "127.0.0.1", kNow));
  r.body() = R"({"carrier_message_id":"1B","status":"DELIVRD"})";  // replay, one field changed
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, "127.0.0.1", kNow));
}

TEST(S5_CallbackAuthTest, StaleSignatureFails) {
  const std::string body = "{}";
  Request r = Post(body);
  r.set("X-Carrier-Signature", Sign("s3cret", kNow - 301, body));
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, "127.0.0.1", kNow));
}

TEST(CallbackBodyTest, ReceiptFromJsonAndForm) {
  auto json = ParseCallbackReceipt(Post(R"({"carrier_message_id":"1A2B","status":"UNDELIV","error_code":"001"})"));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->carrier_message_id, "1A2B");
  EXPECT_EQ(json->status, "UNDELIV");
  EXPECT_EQ(json->error_code, "001");
  auto form = ParseCallbackReceipt(Post("carrier_message_id=99&status=delivered", "application/x-www-form-urlencoded"));
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->carrier_message_id, "99");
  EXPECT_EQ(form->status, "delivered");
}

TEST(CallbackBodyTest, MissingFieldsAreNamed) {
  auto r = ParseCallbackReceipt(Post(R"({"status":"DELIVRD"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_field");
  EXPECT_EQ(r.error().field, "carrier_message_id");
  EXPECT_EQ(ParseCallbackReceipt(Post("[1,2")).error().code, "invalid_json");
}

TEST(CallbackBodyTest, InboundFormDecodesSpacesAndPlus) {
  auto in = ParseCallbackInbound(Post("from=%2B447911123456&to=12345&text=STOP+PLEASE",
                                      "application/x-www-form-urlencoded"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->from, "+447911123456");
  EXPECT_EQ(in->text, "STOP PLEASE");
}

}  // namespace
}  // namespace deliverer::api
