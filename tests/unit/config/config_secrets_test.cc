// Secrets: inline, from a file, from an environment variable; never shown by Describe().
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"

namespace deliverer::config {
namespace {

// A file that exists for the test's duration.
class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("deliverer-config-test-{}-{}", getpid(), ++counter);
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

Result<Config> TryLoad(std::string_view toml) { return LoadString(toml, "deliverer.toml"); }

TEST(ConfigSecretTest, FromFileTrimsOneTrailingNewline) {
  TempFile file("s3cr3t-from-file\n");
  Result<Config> config =
      TryLoad(fmt::format("[webhooks]\nsigning_secret_file = \"{}\"\n", file.path()));
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->webhooks.signing_secret, "s3cr3t-from-file");

  TempFile two_newlines("abc\r\n\n");
  config =
      TryLoad(fmt::format("[[carriers]]\nid = \"a\"\npassword_file = \"{}\"\n", two_newlines.path()));
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->carriers[0].password, "abc\r\n");
}

TEST(ConfigSecretTest, FromEnvironment) {
  setenv("DELIVERER_TEST_TOKEN", "tok-from-env", 1);
  Result<Config> config = TryLoad(
      "[[carriers]]\nid = \"b\"\nprotocol = \"http\"\nurl = \"http://127.0.0.1:9000/send\"\n"
      "token_env = \"DELIVERER_TEST_TOKEN\"\n");
  unsetenv("DELIVERER_TEST_TOKEN");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->carriers[0].token, "tok-from-env");
}

TEST(ConfigSecretTest, StorageUrlFromEnvironment) {
  setenv("DELIVERER_TEST_PG", "postgresql://u:pw@127.0.0.1/d", 1);
  Result<Config> config =
      TryLoad("[storage]\nbackend = \"postgres\"\nurl_env = \"DELIVERER_TEST_PG\"\n");
  unsetenv("DELIVERER_TEST_PG");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->storage.url, "postgresql://u:pw@127.0.0.1/d");
}

TEST(ConfigSecretTest, TwoSourcesAreAnError) {
  Result<Config> config =
      TryLoad("[webhooks]\nsigning_secret = \"x\"\nsigning_secret_env = \"HOME\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().detail,
            "deliverer.toml:3:22: [webhooks] takes at most one of signing_secret, "
            "signing_secret_file, signing_secret_env");
}

TEST(ConfigSecretTest, MissingFileNamesKeyAndPath) {
  Result<Config> config = TryLoad("[[carriers]]\nid = \"a\"\npassword_file = \"/nonexistent/pw\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().detail,
            "deliverer.toml:3:17: [[carriers]] \"a\" password_file: cannot read "
            "'/nonexistent/pw': No such file or directory");
}

TEST(ConfigSecretTest, UnsetVariableNamesIt) {
  unsetenv("DELIVERER_TEST_UNSET");
  Result<Config> config = TryLoad("[webhooks]\nsigning_secret_env = \"DELIVERER_TEST_UNSET\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().detail,
            "deliverer.toml:2:22: [webhooks] signing_secret_env: environment variable "
            "'DELIVERER_TEST_UNSET' is not set");
}

TEST(ConfigSecretTest, WrongTypeNamesTheKeyNotTheValue) {
  Result<Config> config = TryLoad("[[carriers]]\nid = \"a\"\npassword = 12345678\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().detail,
            "deliverer.toml:3:12: [[carriers]] \"a\" password must be a string");
}

TEST(ConfigDescribeTest, NeverShowsASecret) {
  TempFile dlr_file("dlr-secret-value\n");
  setenv("DELIVERER_TEST_AMQP", "amqp://guest:amqp-secret-pw@127.0.0.1:5672/", 1);
  Result<Config> config = TryLoad(fmt::format(R"toml(
[storage]
backend = "postgres"
url = "postgresql://user:pg-secret-pw@127.0.0.1:5432/deliverer"
[queue]
backend = "rabbitmq"
url_env = "DELIVERER_TEST_AMQP"
[webhooks]
signing_secret = "webhook-secret-value"
[[carriers]]
id = "sim-a"
password = "smpp-secret-value"
token = "token-secret-value"
dlr_token_file = "{}"
)toml",
                                           dlr_file.path()));
  unsetenv("DELIVERER_TEST_AMQP");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  const std::string text = Describe(*config);
  for (std::string_view secret : {"pg-secret-pw", "amqp-secret-pw", "webhook-secret-value",
                                  "smpp-secret-value", "token-secret-value", "dlr-secret-value"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
  EXPECT_NE(text.find("password = (set)"), std::string::npos) << text;
  EXPECT_NE(text.find("signing_secret = (set)"), std::string::npos) << text;
}

TEST(ConfigDescribeTest, ShowsEverySectionAndValue) {
  Result<Config> config = TryLoad(
      "[server]\nlisten = \"[::1]:0\"\n[[carriers]]\nid = \"sim-a\"\n"
      "credentials_created = 2026-01-31\n[[routes]]\ncarriers = [\"sim-a\"]\n");
  ASSERT_TRUE(config.ok()) << config.error().detail;
  const std::string text = Describe(*config);
  for (std::string_view expected :
       {"# resolved from deliverer.toml", "[server]\nlisten = \"[::1]:0\"\n", "[storage]\n",
        "[queue]\n", "[security]\n", "[rate_limits]\nper_key_rps = 1000\n", "[delivery]\n",
        "queue_high_water = 1000000\n", "[content]\ndisallowed = []\n",
        "[webhooks]\nsigning_secret = (unset)\n", "[logging]\nlevel = \"info\"\n",
        "[[carriers]]\nid = \"sim-a\"\n", "countries = [\"*\"]\n", "password = (unset)\n",
        "credentials_created = 2026-01-31\n", "[[routes]]\nmatch = \"*\"\n",
        "carriers = [\"sim-a\"]\n", "weights = []\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
}

}  // namespace
}  // namespace deliverer::config
