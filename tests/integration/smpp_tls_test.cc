// SMPP over TLS (docs/reliability.md S12): the gateway binds to a TLS simulator only when it
// trusts the simulator's certificate; verification is on unless a carrier turns it off.
#include <gtest/gtest.h>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"
#include "support/test_certificate.h"

namespace deliverer::integration {
namespace {

class SmppTlsTest : public ::testing::Test {
 protected:
  SmppTlsTest()
      : certificate_(test_tls::MakeSelfSigned()),
        certificate_file_(certs_.WriteFile("smsc.pem", certificate_.certificate_pem)),
        sim_({"--smpp-tls-cert", certificate_file_, "--smpp-tls-key",
              certs_.WriteFile("smsc-key.pem", certificate_.key_pem)}) {}

  std::string Carriers(const std::string& tls_keys) const {
    return SmppCarrierToml("sim-a", sim_.SmppPort(), "tls = true\n" + tls_keys) +
           "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n";
  }

  TempDir certs_;
  test_tls::TestCertificate certificate_;
  std::string certificate_file_;
  SimProcess sim_;
};

TEST_F(SmppTlsTest, S12_MessagesFlowOverTlsToATrustedSmsc) {
  DelivererProcess server(kFastDelivery, Carriers("tls_ca_file = \"" + certificate_file_ + "\""));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Send(server, key, Message(kTo, "over TLS " + std::to_string(i))));

  const auto done = AwaitTerminal(server, key, ids);
  ASSERT_EQ(done.size(), ids.size());
  for (const auto& [id, message] : done) EXPECT_EQ(message["status"], "delivered") << id;
  EXPECT_EQ(sim_.RecordLines().size(), 3u);
}

TEST_F(SmppTlsTest, S12_ASelfSignedSmscIsRefusedUnlessTrusted) {
  // No tls_ca_file: the system's trust store, which does not hold the test's certificate.
  DelivererProcess server(kFastDelivery, Carriers(""));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, Message(kTo, "must not leave"));

  EXPECT_TRUE(server.WaitForLog("TLS handshake with 127.0.0.1:" + std::to_string(sim_.SmppPort()) + " failed"));
  EXPECT_NE(server.Log().find("certificate verify failed"), std::string::npos) << server.Log();
  EXPECT_EQ(Fetch(server, key, id)["status"], "queued");
  EXPECT_TRUE(sim_.RecordLines().empty()) << "nothing was submitted to an untrusted SMSC";
}

}  // namespace
}  // namespace deliverer::integration
