// `deliverer accounts …`: accounts and their own webhook signing secrets (docs/api.md
// "Verifying webhook signatures"). A secret is read from a file, an environment variable or one
// line of standard input, never from argv (it would show in `ps` and shell history), and
// never printed, logged or audited.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "common/time_format.h"
#include "server/cli.h"
#include "server/cli_support.h"
#include "server/server.h"
#include "webhooks/dispatcher.h"

namespace deliverer::server {
namespace {

void TrimLineEnd(std::string& text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
}

std::optional<std::string> SecretFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read the secret file '" << path << "'\n";
    return std::nullopt;
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TrimLineEnd(content);
  return content;
}

std::optional<std::string> SecretFromEnv(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) {
    std::cerr << "the environment variable '" << variable << "' is not set\n";
    return std::nullopt;
  }
  return std::string(value);
}

// One line; on a terminal it asks for it and does not echo it.
std::optional<std::string> SecretFromStdin() {
  termios saved{};
  const bool quiet = ::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (quiet) {
    std::cerr << "webhook secret (one line, not shown): " << std::flush;
    termios no_echo = saved;
    no_echo.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &no_echo);
  }
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  if (quiet) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!read) {
    std::cerr
        << "no secret on standard input: give one line there, or --secret-file or --secret-env\n";
    return std::nullopt;
  }
  TrimLineEnd(line);
  return line;
}

// The secret from `source`, checked; nullopt after printing why not.
std::optional<std::string> WebhookSecretFrom(const SecretSource& source) {
  if (!source.file.empty() && !source.env.empty()) {
    std::cerr << "give at most one of --secret-file and --secret-env\n";
    return std::nullopt;
  }
  std::optional<std::string> secret = !source.file.empty()  ? SecretFromFile(source.file)
                                      : !source.env.empty() ? SecretFromEnv(source.env)
                                                            : SecretFromStdin();
  if (!secret) return std::nullopt;
  if (secret->find_first_of("\r\n") != std::string::npos) {
    std::cerr << "the webhook secret must be one line\n";
    return std::nullopt;
  }
  if (secret->size() < kMinWebhookSecretBytes) {
    std::cerr << fmt::format(
        "the webhook secret is too short: it needs at least {} bytes (32 random bytes, "
        "hex-encoded, are a good choice)\n",
        kMinWebhookSecretBytes);
    return std::nullopt;
  }
  return secret;
}

bool CheckAccountName(const std::string& account) {
  if (!account.empty()) return true;
  std::cerr << "--account must not be empty\n";
  return false;
}

constexpr int64_t kSecretTtlSeconds = webhooks::Dispatcher::kAccountSecretTtl.count() / 1000;

}  // namespace

int AccountsSetWebhookSecret(const std::string& config_path, const std::string& account,
                             const SecretSource& source) {
  if (!CheckAccountName(account)) return kExitUsage;
  std::optional<std::string> secret = WebhookSecretFrom(source);
  if (!secret) return kExitUsage;
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  Status s = opened->store->SetAccountWebhookSecret(
      account, *secret, now, CliAudit(now, account, "account.webhook_secret.set", account));
  if (!s.ok()) {
    if (s.error().code != "not_found") {
      std::cerr << "cannot store the secret: " << s.error().detail << "\n";
      return kExitFailure;
    }
    std::cerr << "no account '" << account << "': an account is created with its first key "
              << "(deliverer keys create --account " << account << ")\n";
    return kExitUsage;
  }
  std::cout << "account " << account << " now has its own webhook signing secret; a running serve "
            << "signs with it within " << kSecretTtlSeconds << " s" << std::endl;
  return kExitOk;
}

int AccountsClearWebhookSecret(const std::string& config_path, const std::string& account) {
  if (!CheckAccountName(account)) return kExitUsage;
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  Status s = opened->store->ClearAccountWebhookSecret(
      account, CliAudit(now, account, "account.webhook_secret.clear", account));
  if (!s.ok()) {
    std::cerr << s.error().detail << "\n";
    return s.error().code == "not_found" ? kExitUsage : kExitFailure;
  }
  std::cout << "account " << account << " is back on the global [webhooks] signing_secret; a "
            << "running serve signs with it within " << kSecretTtlSeconds << " s" << std::endl;
  return kExitOk;
}

int AccountsList(const std::string& config_path) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  auto accounts = opened->store->ListAccounts();
  if (!accounts.ok()) {
    std::cerr << accounts.error().detail << "\n";
    return kExitFailure;
  }
  std::cout << "account\tcreated\twebhook_secret\tsecret_updated\n";
  for (const store::AccountRecord& a : *accounts) {
    const bool own = a.webhook_secret_updated_at_ms.has_value();
    std::cout << fmt::format("{}\t{}\t{}\t{}\n", a.id, FormatRfc3339(a.created_at_ms),
                             own ? "own" : "global",
                             own ? FormatRfc3339(*a.webhook_secret_updated_at_ms) : "-");
  }
  std::cout << std::flush;
  return kExitOk;
}

}  // namespace deliverer::server
