// docs/reliability.md S5: carrier callbacks are the carrier's only with its address and secret.
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

Peer From(std::string ip, ClientCertificate certificate = {}) { return Peer{std::move(ip), std::move(certificate)}; }

TEST(S5_CallbackAuthTest, TokenAndAllowedAddressPass) {
  Request r = Post("{}");
  r.set("X-Carrier-Token", "s3cret");
  EXPECT_TRUE(AuthenticateCallback(kAuth, r, From("127.0.0.1"), kNow));
  EXPECT_TRUE(AuthenticateCallback(kAuth, r, From("2001:db8::7"), kNow));
}

TEST(S5_CallbackAuthTest, WrongTokenOrAddressOrNothingFails) {
  Request r = Post("{}");
  r.set("X-Carrier-Token", "s3cret!");
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, From("127.0.0.1"), kNow));
  r.set("X-Carrier-Token", "s3cret");
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, From("10.1.2.3"), kNow));
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, From("not an address"), kNow));
  EXPECT_FALSE(AuthenticateCallback(kAuth, Post("{}"), From("127.0.0.1"), kNow));
  EXPECT_FALSE(AuthenticateCallback(CallbackAuth{"open", {}, ""}, r, From("127.0.0.1"), kNow))
      << "a carrier with no allowlist and no secret accepts nothing";
}

TEST(S5_CallbackAuthTest, SignatureOverTheBodyPassesAndAChangedFieldFails) {
  const std::string body = R"({"carrier_message_id":"1A","status":"DELIVRD"})";
  Request r = Post(body);
  r.set("X-Carrier-Signature", Sign("s3cret", kNow, body));
  EXPECT_TRUE(AuthenticateCallback(kAuth, r, From("127.0.0.1"), kNow));
  r.body() = R"({"carrier_message_id":"1B","status":"DELIVRD"})";  // replay, one field changed
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, From("127.0.0.1"), kNow));
}

TEST(S5_CallbackAuthTest, StaleSignatureFails) {
  const std::string body = "{}";
  Request r = Post(body);
  r.set("X-Carrier-Signature", Sign("s3cret", kNow - 301, body));
  EXPECT_FALSE(AuthenticateCallback(kAuth, r, From("127.0.0.1"), kNow));
}

// On a listener with a client CA: the certificate is one more factor, and with a pinned
// name it binds the certificate to the one carrier it was issued to.
TEST(S5_CallbackAuthTest, ClientCertificateVerifiedByTheCaAndCarryingThePinnedName) {
  const CallbackAuth pinned{"a", {}, "", /*require_certificate=*/true, "carrier-a.example"};
  const ClientCertificate good{true, {"Carrier A", "carrier-a.example"}};
  EXPECT_TRUE(AuthenticateCallback(pinned, Post("{}"), From("10.1.2.3", good), kNow));
  EXPECT_TRUE(AuthenticateCallback(pinned, Post("{}"), From("10.1.2.3", {true, {"CARRIER-A.example"}}), kNow))
      << "DNS names compare without regard to case";
  EXPECT_FALSE(AuthenticateCallback(pinned, Post("{}"), From("10.1.2.3"), kNow)) << "no certificate";
  EXPECT_FALSE(AuthenticateCallback(pinned, Post("{}"), From("10.1.2.3", {false, {}}), kNow))
      << "a certificate the CA does not vouch for";
  EXPECT_FALSE(AuthenticateCallback(pinned, Post("{}"), From("10.1.2.3", {true, {"carrier-b.example"}}), kNow))
      << "another carrier's certificate";

  const CallbackAuth any_from_ca{"a", {}, "", true, ""};
  EXPECT_TRUE(AuthenticateCallback(any_from_ca, Post("{}"), From("10.1.2.3", {true, {"x"}}), kNow));
  EXPECT_FALSE(AuthenticateCallback(any_from_ca, Post("{}"), From("10.1.2.3"), kNow));
}

TEST(S5_CallbackAuthTest, ACertificateDoesNotReplaceTheOtherConfiguredFactors) {
  const CallbackAuth all{"a", {"127.0.0.0/8"}, "s3cret", true, ""};
  const ClientCertificate good{true, {"carrier-a.example"}};
  Request r = Post("{}");
  r.set("X-Carrier-Token", "s3cret");
  EXPECT_TRUE(AuthenticateCallback(all, r, From("127.0.0.1", good), kNow));
  EXPECT_FALSE(AuthenticateCallback(all, r, From("127.0.0.1"), kNow)) << "token and address, no certificate";
  EXPECT_FALSE(AuthenticateCallback(all, Post("{}"), From("127.0.0.1", good), kNow)) << "no token";
  EXPECT_FALSE(AuthenticateCallback(all, r, From("10.1.2.3", good), kNow)) << "address not allowed";
}

}  // namespace
}  // namespace deliverer::api
