// Accounts' own webhook signing secrets (docs/api.md "Verifying webhook signatures"): set with
// `deliverer accounts set-webhook-secret` beside a running serve, an account's events are
// signed with its secret alone, other accounts' with the global one (and its previous one
// during a rotation); clearing it goes back to the global secret without a restart. The
// secret is read from a file or the environment, never argv, and shows nowhere.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kAcmeWebhookSecret = "acme-own-secret-7d41c0b9e2a85f36";
constexpr const char* kPreviousGlobalSecret = "integration-previous-signing-secret";

std::string AccountSecretCarrier(uint16_t port) {
  return SmppCarrierToml("sim-a", port) +
         "\n[[routes]]\nmatch = \"*\"\npolicy = \"failover\"\ncarriers = [\"sim-a\"]\n";
}

// The harness's secret, with a rotation of it under way, and callbacks to loopback.
std::string SigningConfig() {
  return std::string(kFastDelivery) + "\n[webhooks]\nsigning_secret = \"" + kSigningSecret +
         "\"\nprevious_signing_secret = \"" + kPreviousGlobalSecret +
         "\"\n\n[security]\nallow_private_callbacks = true\n";
}

CommandResult Accounts(const DelivererProcess& server, std::vector<std::string> args) {
  args.insert(args.begin(), "accounts");
  args.insert(args.end(), {"--config", server.ConfigPath()});
  return RunDeliverer(args);
}

// Every v1= of a Deliverer-Signature header.
std::vector<std::string> V1Values(const std::string& header) {
  std::vector<std::string> values;
  size_t at = header.find(",v1=");
  while (at != std::string::npos) {
    const size_t end = header.find(',', at + 1);
    values.push_back(header.substr(at + 4, end == std::string::npos ? end : end - at - 4));
    at = header.find(",v1=", at + 1);
  }
  return values;
}

// True when one of the header's v1= signs `body` with `secret`.
bool SignedWith(const std::string& header, const std::string& secret, const std::string& body) {
  if (!header.starts_with("t=") || header.find(',') == std::string::npos) return false;
  const std::string t = header.substr(2, header.find(',') - 2);
  const std::string expected = HmacHex(secret, t + "." + body);
  for (const std::string& v1 : V1Values(header)) {
    if (v1 == expected) return true;
  }
  return false;
}

struct Hook {
  std::string body;
  std::string signature;
};

// Sends a message of `key`'s account with a callback to `receiver`; returns its id.
std::string SendWithCallback(const DelivererProcess& server, const std::string& key,
                             const WebhookReceiver& receiver, const std::string& text) {
  Json message = FromDeliverer(kTo, text);
  message["callback_url"] = receiver.Url();
  return Send(server, key, message);
}

// The `delivered` webhook of message `id`, once it has arrived; nullopt and a test failure
// when it has not within 30 s.
std::optional<Hook> AwaitDeliveredHook(WebhookReceiver& receiver, const std::string& id) {
  std::optional<Hook> found;
  const bool arrived = WaitFor(
      [&] {
        for (const WebhookCall& call : receiver.Accepted()) {
          const Json event = ParseObject(call.body);
          if (StringField(event, "message_id") != id || StringField(event, "status") != "delivered") continue;
          found = Hook{call.body, call.signature};
        }
        return found.has_value();
      },
      Millis(30'000), Millis(50));
  if (!arrived) {
    ADD_FAILURE() << "no `delivered` webhook for " << id << " within 30 s; "
                  << receiver.Calls().size() << " calls so far";
  }
  return found;
}

class AccountWebhookSecretTest : public ::testing::Test {
 protected:
  SimProcess sim_;
  DelivererProcess server_{SigningConfig(), AccountSecretCarrier(sim_.SmppPort())};
  std::string acme_ = server_.CreateKey("acme", kSendRead);
  std::string globex_ = server_.CreateKey("globex", kSendRead);
  TempDir secrets_;
  std::string secret_file_ =
      secrets_.WriteFile("acme.secret", std::string(kAcmeWebhookSecret) + "\n");
};

TEST_F(AccountWebhookSecretTest, AccountSecretSignsItsWebhooksAndTheGlobalOneTheOthers) {
  const CommandResult set =
      Accounts(server_, {"set-webhook-secret", "--account", "acme", "--secret-file", secret_file_});
  ASSERT_EQ(set.exit_code, 0) << set.Output();
  EXPECT_EQ(set.Output().find(kAcmeWebhookSecret), std::string::npos);

  WebhookReceiver receiver;
  const std::string acme_id = SendWithCallback(server_, acme_, receiver, "for acme");
  const std::string globex_id = SendWithCallback(server_, globex_, receiver, "for globex");
  ASSERT_FALSE(AwaitFinal(server_, acme_, acme_id).is_null());
  ASSERT_FALSE(AwaitFinal(server_, globex_, globex_id).is_null());

  std::optional<Hook> acme_hook = AwaitDeliveredHook(receiver, acme_id);
  ASSERT_TRUE(acme_hook);
  EXPECT_TRUE(SignedWith(acme_hook->signature, kAcmeWebhookSecret, acme_hook->body))
      << acme_hook->signature;
  EXPECT_FALSE(SignedWith(acme_hook->signature, kSigningSecret, acme_hook->body))
      << "not the global secret";
  EXPECT_FALSE(SignedWith(acme_hook->signature, kPreviousGlobalSecret, acme_hook->body))
      << "the global secret's rotation does not apply to an account's own secret";
  EXPECT_EQ(V1Values(acme_hook->signature).size(), 1u) << acme_hook->signature;

  std::optional<Hook> globex_hook = AwaitDeliveredHook(receiver, globex_id);
  ASSERT_TRUE(globex_hook);
  EXPECT_TRUE(SignedWith(globex_hook->signature, kSigningSecret, globex_hook->body))
      << globex_hook->signature;
  EXPECT_TRUE(SignedWith(globex_hook->signature, kPreviousGlobalSecret, globex_hook->body));
  EXPECT_FALSE(SignedWith(globex_hook->signature, kAcmeWebhookSecret, globex_hook->body));
  // Nothing failed on the way: each event came exactly once. A later message's webhook
  // shows the dispatcher moved on past any repeat of the first two messages' events.
  const std::string later_id = SendWithCallback(server_, globex_, receiver, "later");
  ASSERT_TRUE(AwaitDeliveredHook(receiver, later_id));
  EXPECT_EQ(receiver.Accepted().size(), receiver.Calls().size()) << "nothing failed on the way";
  EXPECT_TRUE(EachEventOnce(receiver.Calls()));

  const CommandResult list = Accounts(server_, {"list"});
  ASSERT_EQ(list.exit_code, 0) << list.Output();
  EXPECT_NE(list.out.find("acme\t"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\town\t"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\tglobal\t"), std::string::npos) << list.out;
  EXPECT_EQ(list.Output().find(kAcmeWebhookSecret), std::string::npos);

  const std::string admin = server_.CreateKey("ops", "admin");
  const Json audit =
      server_.Get("/v1/admin/audit" + Query({{"action", "account.webhook_secret.set"}}), admin).json;
  ASSERT_EQ(audit["data"].size(), 1u) << audit.dump();
  EXPECT_EQ(audit["data"][0]["account"], "acme");
  EXPECT_EQ(audit.dump().find(kAcmeWebhookSecret), std::string::npos);
  EXPECT_EQ(server_.Log().find(kAcmeWebhookSecret), std::string::npos);
}

TEST_F(AccountWebhookSecretTest, ClearingGoesBackToTheGlobalSecretWithoutARestart) {
  ::setenv("DELIVERER_TEST_ACME_WEBHOOK_SECRET", kAcmeWebhookSecret, 1);
  const CommandResult set =
      Accounts(server_, {"set-webhook-secret", "--account", "acme", "--secret-env",
                         "DELIVERER_TEST_ACME_WEBHOOK_SECRET"});
  ::unsetenv("DELIVERER_TEST_ACME_WEBHOOK_SECRET");
  ASSERT_EQ(set.exit_code, 0) << set.Output();
  WebhookReceiver receiver;
  const std::string before = SendWithCallback(server_, acme_, receiver, "before the clear");
  std::optional<Hook> own = AwaitDeliveredHook(receiver, before);
  ASSERT_TRUE(own);
  EXPECT_TRUE(SignedWith(own->signature, kAcmeWebhookSecret, own->body));

  const CommandResult clear =
      Accounts(server_, {"set-webhook-secret", "--account", "acme", "--clear"});
  ASSERT_EQ(clear.exit_code, 0) << clear.Output();
  // The running serve re-reads the account's secret within its cache's lifetime (5 s).
  int sent = 0;
  EXPECT_TRUE(WaitFor(
      [&] {
        const std::string id =
            SendWithCallback(server_, acme_, receiver, "after the clear " + std::to_string(sent++));
        std::optional<Hook> hook = AwaitDeliveredHook(receiver, id);
        return hook && SignedWith(hook->signature, kSigningSecret, hook->body) &&
               !SignedWith(hook->signature, kAcmeWebhookSecret, hook->body);
      },
      Millis(20'000), Millis(200)));
  EXPECT_TRUE(EachEventOnce(receiver.Calls())) << "nothing failed on the way";

  const CommandResult again =
      Accounts(server_, {"set-webhook-secret", "--account", "acme", "--clear"});
  EXPECT_EQ(again.exit_code, 2) << again.Output();
}

TEST_F(AccountWebhookSecretTest, BadSecretsAndUnknownAccountsAreUsageErrors) {
  const std::string short_file = secrets_.WriteFile("short.secret", "too-short\n");
  const CommandResult too_short =
      Accounts(server_, {"set-webhook-secret", "--account", "acme", "--secret-file", short_file});
  EXPECT_EQ(too_short.exit_code, 2);
  EXPECT_NE(too_short.err.find("at least 16 bytes"), std::string::npos) << too_short.Output();

  const std::string two_lines =
      secrets_.WriteFile("two.secret", "first-line-of-secret\nsecond-line-of-it\n");
  const CommandResult several =
      Accounts(server_, {"set-webhook-secret", "--account", "acme", "--secret-file", two_lines});
  EXPECT_EQ(several.exit_code, 2) << several.Output();

  const CommandResult unknown = Accounts(
      server_, {"set-webhook-secret", "--account", "nobody", "--secret-file", secret_file_});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no account 'nobody'"), std::string::npos) << unknown.Output();

  const CommandResult no_stdin = Accounts(server_, {"set-webhook-secret", "--account", "acme"});
  EXPECT_EQ(no_stdin.exit_code, 2) << "standard input is empty: " << no_stdin.Output();

  const CommandResult unset_env = Accounts(
      server_,
      {"set-webhook-secret", "--account", "acme", "--secret-env", "DELIVERER_TEST_UNSET_VARIABLE"});
  EXPECT_EQ(unset_env.exit_code, 2);

  const CommandResult both = Accounts(server_, {"set-webhook-secret", "--account", "acme",
                                                "--clear", "--secret-file", secret_file_});
  EXPECT_EQ(both.exit_code, 2) << both.Output();

  const CommandResult list = Accounts(server_, {"list"});
  ASSERT_EQ(list.exit_code, 0) << list.Output();
  EXPECT_EQ(list.out.find("\town\t"), std::string::npos) << "nothing was set: " << list.out;
}

}  // namespace
}  // namespace deliverer::integration
