// The HTTPS listener (docs/reliability.md S12) and client certificates on carrier callbacks
// (S5, docs/api.md "Carrier callbacks"), with certificates made at test time.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"
#include "support/test_certificate.h"

namespace deliverer::integration {
namespace {

using test_tls::TestCertificate;

// PEM files in a directory of their own.
struct CertificateFiles {
  std::string certificate;
  std::string key;
};

CertificateFiles Write(const TempDir& dir, const std::string& name, const TestCertificate& pems) {
  return {dir.WriteFile(name + ".pem", pems.certificate_pem), dir.WriteFile(name + "-key.pem", pems.key_pem)};
}

std::string TlsServerToml(const CertificateFiles& server, const std::string& client_ca_file = "") {
  std::string toml = "[server]\nlisten = \"127.0.0.1:0\"\ntls_cert_file = \"" + server.certificate +
                     "\"\ntls_key_file = \"" + server.key + "\"\n";
  if (!client_ca_file.empty()) toml += "client_ca_file = \"" + client_ca_file + "\"\n";
  return toml + "\n";
}

TEST(HttpsListenerTest, S12_TheApiIsServedOverTlsOnly) {
  TempDir certs;
  const CertificateFiles server_files = Write(certs, "server", test_tls::MakeSelfSigned());
  DelivererProcess server(TlsServerToml(server_files));
  EXPECT_TRUE(server.WaitForLog("listening on https://127.0.0.1:"));
  const std::string key = server.CreateKey("acme", kSendRead);

  // Plain HTTP on the TLS port gets no HTTP answer.
  EXPECT_EQ(server.Get("/healthz").status, 0);

  // A client that trusts another CA refuses the server.
  server.UseHttps(Write(certs, "other", test_tls::MakeSelfSigned()).certificate);
  EXPECT_EQ(server.Get("/healthz").status, 0);

  server.UseHttps(server_files.certificate);
  EXPECT_TRUE(HasStatus(server.Get("/healthz"), 200));
  HttpResponse accepted = server.Post("/v1/messages", Message(kTo, "sent over TLS"), key);
  ASSERT_TRUE(HasStatus(accepted, 202));
  EXPECT_TRUE(HasStatus(server.Get("/v1/messages/" + StringField(accepted.json, "message_id"), key), 200));

  // TLS 1.1 and older are refused even when the client offers nothing newer.
  auto client = server.NewClient();
  SSL_CTX* context = client->ssl_context();
  ASSERT_NE(context, nullptr);
  SSL_CTX_set_security_level(context, 0);
  SSL_CTX_set_min_proto_version(context, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(context, TLS1_1_VERSION);
  EXPECT_EQ(ToResponse(client->Get("/healthz")).status, 0);
}

// A receipt over HTTPS from a carrier whose callbacks are pinned to its client
// certificate: only that certificate, issued by the configured CA, moves the message.
TEST(HttpsListenerTest, S5_ReceiptsNeedTheCarriersClientCertificate) {
  TempDir certs;
  const TestCertificate ca = test_tls::MakeSelfSigned("Carrier CA");
  const TestCertificate rogue_ca = test_tls::MakeSelfSigned("Carrier CA");
  const CertificateFiles server_files = Write(certs, "server", test_tls::MakeSelfSigned());
  const std::string ca_file = certs.WriteFile("carrier-ca.pem", ca.certificate_pem);
  const CertificateFiles carrier_a = Write(certs, "a", test_tls::IssueClientCertificate(ca, "carrier-a.example"));
  const CertificateFiles carrier_b = Write(certs, "b", test_tls::IssueClientCertificate(ca, "carrier-b.example"));
  const CertificateFiles forged =
      Write(certs, "forged", test_tls::IssueClientCertificate(rogue_ca, "carrier-a.example"));

  SimProcess sim({"--config-json", R"({"receipts":{"drop_rate":1}})"});
  const std::string carriers = SmppCarrierToml("sim-a", sim.SmppPort(), "dlr_cert_name = \"carrier-a.example\"") +
                               "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n";
  DelivererProcess server(TlsServerToml(server_files, ca_file) + kFastDelivery, carriers);
  server.UseHttps(server_files.certificate);  // producers present no certificate
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string id = Send(server, key, Message(kTo, "receipt over HTTPS"));
  ASSERT_TRUE(WaitFor([&] { return Fetch(server, key, id)["status"] == "sent"; }, Millis(15'000)));
  const std::vector<Json> record = sim.RecordLines();
  ASSERT_EQ(record.size(), 1u);
  const std::string receipt =
      Json{{"carrier_message_id", StringField(record[0], "carrier_id")}, {"status", "DELIVRD"}}.dump();

  auto post_receipt = [&](const CertificateFiles* client) {
    server.UseHttps(server_files.certificate, client ? client->certificate : "", client ? client->key : "");
    return server.Send("POST", "/v1/dlr/sim-a", {}, receipt, "application/json");
  };
  EXPECT_TRUE(IsProblem(post_receipt(nullptr), 401, "unauthenticated")) << "no certificate";
  EXPECT_TRUE(IsProblem(post_receipt(&forged), 401, "unauthenticated")) << "same name, another CA";
  EXPECT_TRUE(IsProblem(post_receipt(&carrier_b), 401, "unauthenticated")) << "another carrier's certificate";
  server.UseHttps(server_files.certificate);
  EXPECT_EQ(Fetch(server, key, id)["status"], "sent") << "refused callbacks change nothing";
  EXPECT_GE(Metric(server, "deliverer_carrier_callbacks_refused_total"), 3);

  EXPECT_TRUE(HasStatus(post_receipt(&carrier_a), 200));
  server.UseHttps(server_files.certificate);
  EXPECT_EQ(Fetch(server, key, id)["status"], "delivered");
}

TEST(HttpsListenerTest, ServeNamesATlsFileItCannotLoad) {
  TempDir certs;
  const CertificateFiles server_files = Write(certs, "server", test_tls::MakeSelfSigned());
  TempDir dir;
  const std::string missing_key = certs.path() + "/missing-key.pem";
  const std::string file = dir.WriteFile(
      "tls.toml", BaseConfig(dir.path() + "/data", TlsServerToml({server_files.certificate, missing_key})));

  CommandResult result = RunDeliverer({"serve", "--config", file}, std::chrono::seconds(30));

  EXPECT_EQ(result.exit_code, 2) << result.Output();
  EXPECT_NE(result.Output().find("missing-key.pem"), std::string::npos) << result.Output();
  EXPECT_EQ(result.Output().find("listening on"), std::string::npos);
}

}  // namespace
}  // namespace deliverer::integration
