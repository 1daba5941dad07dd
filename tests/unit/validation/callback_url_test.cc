// callback_url syntax and the SSRF screen (ssrf.h).
#include "validation/ssrf.h"
#include "validation_test_util.h"

namespace deliverer::validation {
namespace {

using testing::HasError;
using testing::MakeValidator;
using testing::Request;
using testing::Str;
using testing::Succeeds;

bool Forbidden(const char* ip) { return IsForbiddenAddress(boost::asio::ip::make_address(ip)); }

// --- Address classification ----------------------------------------------------------------

TEST(SsrfTest, ForbiddenIpv4Blocks) {
  for (const char* ip : {"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1",
                         "100.127.255.255", "127.0.0.1", "127.255.0.9", "169.254.169.254",
                         "169.254.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "224.0.0.1",
                         "239.255.255.250", "240.0.0.1", "255.255.255.255"}) {
    EXPECT_TRUE(Forbidden(ip)) << ip;
  }
}

TEST(SsrfTest, PublicIpv4IsAllowed) {
  for (const char* ip :
       {"8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.1", "100.63.255.255", "100.128.0.0",
        "126.255.255.255", "128.0.0.1", "169.253.255.255", "172.15.255.255", "172.32.0.1",
        "192.167.255.255", "192.169.0.1", "192.0.1.255", "192.0.3.0", "198.17.255.255",
        "198.20.0.0", "203.0.112.255", "203.0.114.0", "223.255.255.255"}) {
    EXPECT_FALSE(Forbidden(ip)) << ip;
  }
}

// The rest of the IANA IPv4 special-purpose registry's blocks that are not globally
// reachable (an acceptance probe found them missing).
TEST(SsrfTest, EverySpecialPurposeIpv4BlockIsForbidden) {
  for (const char* ip : {"192.0.0.1", "192.0.0.8", "192.0.0.170", "192.0.0.255", "192.0.2.1",
                         "192.88.99.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
                         "203.0.113.7", "255.255.255.254"}) {
    EXPECT_TRUE(Forbidden(ip)) << ip;
  }
}

TEST(SsrfTest, ForbiddenIpv6Blocks) {
  for (const char* ip : {"::", "::1", "fe80::1", "febf::1", "fec0::1", "fc00::1", "fd00::1",
                         "fdff:ffff::1", "ff02::1", "ff0e::1"}) {
    EXPECT_TRUE(Forbidden(ip)) << ip;
  }
}

TEST(SsrfTest, Ipv6EmbeddingAForbiddenIpv4IsForbidden) {
  for (const char* ip :
       {"::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
        "::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::192.168.0.1"}) {
    EXPECT_TRUE(Forbidden(ip)) << ip;
  }
  for (const char* ip : {"::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    EXPECT_FALSE(Forbidden(ip)) << ip;
  }
}

TEST(SsrfTest, EverySpecialPurposeIpv6BlockIsForbidden) {
  for (const char* ip : {"::8.8.8.8", "64:ff9b:1::1", "64:ff9b:1:ffff::a00:1", "100::1", "100::ffff:1",
                         "100:0:0:1::1", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                         "2001:1ff:ffff::1", "2001:db8::1", "3fff::1", "3fff:fff::1", "5f00::1"}) {
    EXPECT_TRUE(Forbidden(ip)) << ip;
  }
}

// Tunnelling and translation forms that carry a private IPv4 address reach it.
TEST(SsrfTest, TunnelsToAForbiddenIpv4AreForbidden) {
  for (const char* ip : {"2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::1",
                         "::ffff:0:10.0.0.1", "2001:db9::5efe:10.0.0.1", "2a00:1450::200:5efe:127.0.0.1"}) {
    EXPECT_TRUE(Forbidden(ip)) << ip;
  }
  for (const char* ip : {"2002:808:808::1", "2a00:1450::200:5efe:8.8.8.8", "::ffff:0:8.8.8.8"}) {
    EXPECT_FALSE(Forbidden(ip)) << ip;
  }
}

TEST(SsrfTest, PublicIpv6IsAllowed) {
  for (const char* ip :
       {"2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450::1", "fe00::1", "fbff::1",
        "2001:200::1", "2620:4f:8000::1", "3fff:1000::1", "64:ff9b:2::1"}) {
    EXPECT_FALSE(Forbidden(ip)) << ip;
  }
}

TEST(SsrfTest, LocalhostNames) {
  for (const char* host :
       {"localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.LocalHost."}) {
    EXPECT_TRUE(IsLocalhostName(host)) << host;
  }
  for (const char* host : {"", "localhost.example", "mylocalhost", "localhostx", ".", "local"}) {
    EXPECT_FALSE(IsLocalhostName(host)) << host;
  }
}

// --- URL syntax ----------------------------------------------------------------------------

class CallbackUrlTest : public ::testing::Test {
 protected:
  std::unique_ptr<Validator> strict_ = MakeValidator();
  std::unique_ptr<Validator> permissive_ = MakeValidator({.allow_private_callbacks = true});
};

TEST_F(CallbackUrlTest, AbsoluteHttpAndHttpsUrlsAreAccepted) {
  for (const char* url :
       {"https://producer.example/dlr", "http://producer.example", "HTTPS://Producer.Example/",
        "https://producer.example:8443/hooks/sms?account=7#frag",
        "https://user:secret@producer.example/dlr", "http://8.8.8.8/x",
        "http://[2001:4860:4860::8888]:8080/x", "https://xn--bcher-kva.example/"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(Succeeds(strict_->ValidateCallbackUrl(url)));
  }
}

TEST_F(CallbackUrlTest, AnythingElseIsAnInvalidCallbackUrl) {
  for (const char* url :
       {"", "producer.example/dlr", "//producer.example/dlr", "/dlr", "ftp://producer.example/",
        "file:///etc/passwd", "gopher://producer.example/", "javascript:alert(1)",
        "mailto:ops@producer.example", "https://", "https:///dlr", "http:/producer.example/",
        "http:producer.example", "https://producer .example/", "https://producer.example/ a",
        "https://producer.example/\n", "http://[::1/", "http://host:99999/",
        "https:\\\\x.example"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(
        HasError(permissive_->ValidateCallbackUrl(url), "invalid_callback_url", "callback_url"));
  }
}

TEST_F(CallbackUrlTest, OverlongUrlIsInvalid) {
  const std::string url = "https://producer.example/" + std::string(2048, 'a');
  EXPECT_TRUE(HasError(strict_->ValidateCallbackUrl(url), "invalid_callback_url", "callback_url"));
}

TEST_F(CallbackUrlTest, UrlWithAnEmbeddedNulIsInvalid) {
  const std::string url("https://producer.example/\0.evil", 31);
  EXPECT_TRUE(HasError(strict_->ValidateCallbackUrl(url), "invalid_callback_url", "callback_url"));
}

// --- SSRF at ingest ------------------------------------------------------------------------

TEST_F(CallbackUrlTest, EachForbiddenHostClassIsRefusedUnlessAllowed) {
  for (const char* url : {"http://127.0.0.1/dlr",
                          "http://[::1]/dlr",
                          "http://169.254.169.254/latest/meta-data",
                          "http://10.0.0.1/",
                          "http://192.168.1.1:8080/",
                          "http://[fd00::1]/",
                          "http://localhost/",
                          "http://localhost:3000/dlr",
                          "http://api.localhost/",
                          "http://LOCALHOST./",
                          "http://172.16.5.4/",
                          "http://100.64.0.1/",
                          "http://0.0.0.0/",
                          "http://[::]/",
                          "http://[fe80::1%25eth0]/",
                          "http://224.0.0.1/",
                          "http://[ff02::1]/",
                          "http://[::ffff:127.0.0.1]/",
                          "http://[::ffff:7f00:1]/",
                          "http://[64:ff9b::a00:1]/"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(
        HasError(strict_->ValidateCallbackUrl(url), "invalid_callback_url", "callback_url"));
    EXPECT_TRUE(Succeeds(permissive_->ValidateCallbackUrl(url)));
  }
}

TEST_F(CallbackUrlTest, AlternativeSpellingsOfLoopbackAreCaught) {
  // libcurl normalises these to 127.0.0.1, as the resolver would.
  for (const char* url :
       {"http://127.1/", "http://2130706433/", "http://0x7f.0.0.1/", "http://0177.0.0.1/",
        "http://017700000001/", "http://%31%32%37.0.0.1/", "http://127.0.0.1./", "http://0/"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(
        HasError(strict_->ValidateCallbackUrl(url), "invalid_callback_url", "callback_url"));
  }
}

TEST_F(CallbackUrlTest, HostNamesAreLeftToTheSenderAfterResolution) {
  // A name may resolve to a private address; that is checked when the webhook is sent.
  EXPECT_TRUE(Succeeds(strict_->ValidateCallbackUrl("http://127.0.0.1.nip.io/")));
}

TEST_F(CallbackUrlTest, ParseMessageAppliesTheRule) {
  auto strict = strict_->ParseMessage(Request({{"callback_url", Str("http://10.0.0.1/dlr")}}));
  EXPECT_TRUE(HasError(strict, "invalid_callback_url", "callback_url"));
  auto allowed = permissive_->ParseMessage(Request({{"callback_url", Str("http://10.0.0.1/dlr")}}));
  ASSERT_TRUE(Succeeds(allowed));
  EXPECT_EQ(allowed->callback_url, "http://10.0.0.1/dlr");
}

}  // namespace
}  // namespace deliverer::validation
