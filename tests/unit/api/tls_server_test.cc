// The HTTPS listener's TLS context and client certificate verdicts (docs/reliability.md S5,
// S12), over in-memory handshakes with certificates made at test time.
#include "api/tls_server.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/test_certificate.h"

namespace deliverer::api {
namespace {

namespace ssl = boost::asio::ssl;
using test_tls::TestCertificate;

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tls-server-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    server_ = test_tls::MakeSelfSigned();
    files_ = {Write("server.pem", server_.certificate_pem), Write("server-key.pem", server_.key_pem),
              Write("ca.pem", ca_.certificate_pem)};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  // Handshakes a client presenting `client` (none when null) with a server on `files`,
  // through a memory BIO pair, and returns the server's verdict.
  ClientCertificate Handshake(const TlsServerFiles& files, const TestCertificate* client) {
    auto server_context = MakeServerTlsContext(files);
    EXPECT_TRUE(server_context.ok()) << server_context.error().detail;
    if (!server_context.ok()) return {};
    SSL_CTX* client_context = SSL_CTX_new(TLS_client_method());
    if (client != nullptr) {
      const std::string cert = Write("client.pem", client->certificate_pem);
      const std::string key = Write("client-key.pem", client->key_pem);
      EXPECT_EQ(SSL_CTX_use_certificate_file(client_context, cert.c_str(), SSL_FILETYPE_PEM), 1);
      EXPECT_EQ(SSL_CTX_use_PrivateKey_file(client_context, key.c_str(), SSL_FILETYPE_PEM), 1);
    }
    SSL* server = SSL_new((*server_context)->native_handle());
    SSL* client_ssl = SSL_new(client_context);
    BIO *server_bio = nullptr, *client_bio = nullptr;
    BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
    SSL_set_bio(server, server_bio, server_bio);
    SSL_set_bio(client_ssl, client_bio, client_bio);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client_ssl);
    bool server_done = false, client_done = false;
    for (int round = 0; round < 20 && !(server_done && client_done); ++round) {
      if (!client_done) client_done = SSL_do_handshake(client_ssl) == 1;
      if (!server_done) server_done = SSL_do_handshake(server) == 1;
    }
    EXPECT_TRUE(server_done && client_done) << "handshake did not complete";
    ClientCertificate verdict = VerifiedClientCertificate(server);
    SSL_free(client_ssl);
    SSL_free(server);
    SSL_CTX_free(client_context);
    return verdict;
  }

  std::string dir_;
  TestCertificate ca_ = test_tls::MakeSelfSigned("Carrier CA");
  TestCertificate server_;
  TlsServerFiles files_;
};

TEST_F(TlsServerTest, S5_ACertificateFromTheClientCaIsVerifiedWithItsNames) {
  const TestCertificate carrier = test_tls::IssueClientCertificate(ca_, "carrier-a.example");
  const ClientCertificate verdict = Handshake(files_, &carrier);
  EXPECT_TRUE(verdict.verified);
  EXPECT_EQ(verdict.names, (std::vector<std::string>{"carrier-a.example", "carrier-a.example"}));
}

TEST_F(TlsServerTest, S5_NoCertificateOrAnotherCasIsNotVerifiedButTheHandshakeCompletes) {
  EXPECT_FALSE(Handshake(files_, nullptr).verified) << "producers present none";
  const TestCertificate rogue = test_tls::IssueClientCertificate(test_tls::MakeSelfSigned("Carrier CA"),
                                                                 "carrier-a.example");
  const ClientCertificate verdict = Handshake(files_, &rogue);
  EXPECT_FALSE(verdict.verified);
  EXPECT_TRUE(verdict.names.empty());
}

TEST_F(TlsServerTest, WithoutAClientCaNoCertificateIsAskedFor) {
  const TestCertificate carrier = test_tls::IssueClientCertificate(ca_, "carrier-a.example");
  EXPECT_FALSE(Handshake({files_.certificate_chain, files_.private_key, ""}, &carrier).verified);
}

TEST_F(TlsServerTest, S12_OnlyTls12AndNewer) {
  auto context = MakeServerTlsContext(files_);
  ASSERT_TRUE(context.ok());
  SSL_CTX* native = (*context)->native_handle();
  EXPECT_TRUE(SSL_CTX_get_options(native) & SSL_OP_NO_TLSv1);
  EXPECT_TRUE(SSL_CTX_get_options(native) & SSL_OP_NO_TLSv1_1);
}

TEST_F(TlsServerTest, AFileThatCannotBeLoadedIsNamed) {
  auto missing = MakeServerTlsContext({dir_ + "/nope.pem", files_.private_key, ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "invalid_config");
  EXPECT_NE(missing.error().detail.find("tls_cert_file"), std::string::npos) << missing.error().detail;
  EXPECT_NE(missing.error().detail.find("nope.pem"), std::string::npos);

  const TestCertificate other = test_tls::MakeSelfSigned();
  auto mismatched = MakeServerTlsContext({files_.certificate_chain, Write("other-key.pem", other.key_pem), ""});
  ASSERT_FALSE(mismatched.ok()) << "a key that does not match the certificate";
  EXPECT_NE(mismatched.error().detail.find("tls_key_file"), std::string::npos) << mismatched.error().detail;

  auto bad_ca = MakeServerTlsContext({files_.certificate_chain, files_.private_key, dir_ + "/no-ca.pem"});
  ASSERT_FALSE(bad_ca.ok());
  EXPECT_NE(bad_ca.error().detail.find("client_ca_file"), std::string::npos);
}

}  // namespace
}  // namespace deliverer::api
