// [errors] (docs/configuration.md): where internal errors are reported; a DSN serve could
// not use is refused by `config check`, without quoting it (it holds a key).
#include <gtest/gtest.h>

#include "config/config.h"
#include "unit/config/load_helpers.h"

namespace deliverer::config {
namespace {

using testing::ErrorOf;
using testing::Load;

TEST(ConfigErrorsTest, NothingIsReportedByDefault) {
  EXPECT_EQ(Load("").errors.sentry_dsn, "");
  EXPECT_EQ(Load("[errors]\nsentry_dsn = \"\"\n").errors.sentry_dsn, "");
}

TEST(ConfigErrorsTest, ADsnIsReadAndShownOnlyAsSet) {
  const Config config =
      Load("[errors]\nsentry_dsn = \"https://publickey@o1.ingest.sentry.io/42\"\nenvironment = \"staging\"\n");
  EXPECT_EQ(config.errors.sentry_dsn, "https://publickey@o1.ingest.sentry.io/42");
  EXPECT_EQ(config.errors.environment, "staging");
  const std::string described = Describe(config);
  EXPECT_NE(described.find("[errors]\nsentry_dsn = (set)\nenvironment = \"staging\"\n"), std::string::npos)
      << described;
  EXPECT_EQ(described.find("publickey"), std::string::npos);
}

TEST(ConfigErrorsTest, ADsnMayComeFromTheEnvironment) {
  ::setenv("DELIVERER_TEST_SENTRY_DSN", "http://publickey@127.0.0.1:9000/7", 1);
  EXPECT_EQ(Load("[errors]\nsentry_dsn_env = \"DELIVERER_TEST_SENTRY_DSN\"\n").errors.sentry_dsn,
            "http://publickey@127.0.0.1:9000/7");
  ::unsetenv("DELIVERER_TEST_SENTRY_DSN");
}

TEST(ConfigErrorsTest, AMalformedDsnIsRefusedNamingTheKeyNotTheValue) {
  const std::string error = ErrorOf("[errors]\nsentry_dsn = \"https://publickey@o1.ingest.sentry.io/project\"\n");
  EXPECT_EQ(error,
            "deliverer.toml:2:14: [errors] sentry_dsn must be a Sentry DSN such as "
            "\"https://PUBLIC_KEY@o0.ingest.sentry.io/PROJECT_ID\", but its path does not end in a "
            "numeric project id");
  EXPECT_EQ(ErrorOf("[errors]\nsentry_dsn = \"o1.ingest.sentry.io/42\"\n"),
            "deliverer.toml:2:14: [errors] sentry_dsn must be a Sentry DSN such as "
            "\"https://PUBLIC_KEY@o0.ingest.sentry.io/PROJECT_ID\", but it is not an http:// or https:// URL "
            "with a host");
  EXPECT_EQ(ErrorOf("[errors]\nsentry_dsn = \"https://o1.ingest.sentry.io/42\"\n").find("publickey"),
            std::string::npos);
}

TEST(ConfigErrorsTest, TheEnvironmentIsAnIdentifier) {
  EXPECT_EQ(ErrorOf("[errors]\nenvironment = \"prod eu\"\n"),
            "deliverer.toml:2:15: [errors] environment must be at most 64 letters, digits, '-', '_', '.' or '@'");
}

TEST(ConfigErrorsTest, UnknownKeysAreRejected) {
  EXPECT_EQ(ErrorOf("[errors]\nsentry_dns = \"\"\n"), "deliverer.toml:2:1: unknown key 'sentry_dns' in [errors]");
}

}  // namespace
}  // namespace deliverer::config
