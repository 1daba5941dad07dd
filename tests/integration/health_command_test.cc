// `deliverer health` (docs/operations.md "The container image"): the container's
// HEALTHCHECK, which has no curl, asks a running gateway's /healthz with it. What the
// health check of an orchestrator sees is its exit code: 0 healthy, 1 not, 2 a bad option.
#include <gtest/gtest.h>

#include "integration/harness.h"
#include "support/test_certificate.h"

namespace deliverer::integration {
namespace {

std::string HealthzUrl(const std::string& scheme, uint16_t port) {
  return scheme + "://127.0.0.1:" + std::to_string(port) + "/healthz";
}

TEST(HealthCommandTest, ExitsZeroWhileServeAnswersAndOneOnceItHasStopped) {
  DelivererProcess server;
  const std::string url = HealthzUrl("http", server.Port());

  const CommandResult healthy = RunDeliverer({"health", "--url", url});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.Output();
  EXPECT_NE(healthy.out.find("healthy: 200"), std::string::npos) << healthy.Output();

  // A path that answers 404 is not health.
  const CommandResult not_found = RunDeliverer({"health", "--url", HealthzUrl("http", server.Port()) + "-not"});
  EXPECT_EQ(not_found.exit_code, 1) << not_found.Output();
  EXPECT_NE(not_found.out.find("unhealthy: answered 404"), std::string::npos) << not_found.Output();

  ASSERT_EQ(server.Terminate(), 0);
  const CommandResult stopped = RunDeliverer({"health", "--url", url, "--timeout-s", "2"});
  EXPECT_EQ(stopped.exit_code, 1) << stopped.Output();
  EXPECT_NE(stopped.out.find("unhealthy: "), std::string::npos) << stopped.Output();
}

TEST(HealthCommandTest, ABadUrlOrTimeoutIsAUsageError) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"health", "--url", "127.0.0.1:8080/healthz"},
        std::vector<std::string>{"health", "--url", "ftp://127.0.0.1/healthz"},
        std::vector<std::string>{"health", "--timeout-s", "0"}}) {
    const CommandResult result = RunDeliverer(args);
    EXPECT_EQ(result.exit_code, 2) << args[2] << ": " << result.Output();
  }
}

// With TLS on the listener the probe speaks HTTPS: unverified by default (it sends
// nothing secret, and 127.0.0.1 is rarely a name on the gateway's certificate), verified
// against --ca-file when one is given.
TEST(HealthCommandTest, ProbesAnHttpsListenerAndVerifiesItOnlyAgainstTheGivenCa) {
  TempDir certs;
  const test_tls::TestCertificate pems = test_tls::MakeSelfSigned();
  const std::string cert = certs.WriteFile("server.pem", pems.certificate_pem);
  const std::string key = certs.WriteFile("server-key.pem", pems.key_pem);
  const std::string other_ca = certs.WriteFile("other.pem", test_tls::MakeSelfSigned().certificate_pem);
  DelivererProcess server("[server]\nlisten = \"127.0.0.1:0\"\ntls_cert_file = \"" + cert + "\"\ntls_key_file = \"" +
                          key + "\"\n\n");
  const std::string url = HealthzUrl("https", server.Port());

  EXPECT_EQ(RunDeliverer({"health", "--url", url}).exit_code, 0);
  EXPECT_EQ(RunDeliverer({"health", "--url", url, "--ca-file", cert}).exit_code, 0);
  const CommandResult refused = RunDeliverer({"health", "--url", url, "--ca-file", other_ca});
  EXPECT_EQ(refused.exit_code, 1) << refused.Output();
  // Plain HTTP to a TLS listener gets no HTTP answer.
  EXPECT_EQ(RunDeliverer({"health", "--url", HealthzUrl("http", server.Port()), "--timeout-s", "2"}).exit_code, 1);
}

}  // namespace
}  // namespace deliverer::integration
