#pragma once
// The operator commands that work beside a running `serve` on the same configuration:
// API keys, accounts' webhook secrets, suppressions (opt-outs), erasure and configuration
// checks. Each returns a process exit code and prints for humans on stdout, errors on stderr.
#include <cstddef>
#include <cstdint>
#include <string>

namespace deliverer::server {

// With `smpp_system_id`, an SMPP credential (docs/smpp-server.md "Credentials"): the
// producer binds with that system_id and the password printed on the last line.
int KeysCreate(const std::string& config_path, const std::string& account,
               const std::string& scopes, const std::string& expires_in,
               const std::string& smpp_system_id = "");
int KeysList(const std::string& config_path);
int KeysRevoke(const std::string& config_path, const std::string& key_id);
// A replacement for an active key (same account, scopes and lifetime), printed once; the
// old key keeps working for `grace` ("7d") so producers can switch without an outage.
int KeysRotate(const std::string& config_path, const std::string& key_id, const std::string& grace);
int ConfigCheck(const std::string& config_path);

// `deliverer backup --to DIR` (cli_backup.cc): a consistent copy of the store and its key
// ring, taken while serve runs (store::MaintenanceStore::BackupTo). `deliverer restore
// --from DIR` copies one into the configured [storage] path and key ring file, only where
// neither exists (exit 1 otherwise), then opens it once (migrations applied).
int Backup(const std::string& config_path, const std::string& directory);
int Restore(const std::string& config_path, const std::string& directory);

// Data keys for bodies at rest (docs/reliability.md S9, docs/runbooks/key-rotation.md).
// rotate-data-key adds a primary key to the ring; a running serve reloads the ring and
// re-encrypts older bodies in the background. retire-data-key deletes a non-primary key
// only when no row uses it (else exit 1, naming the count). data-keys lists id, state
// (primary, old; cleartext and missing for rows without a key in the ring), created, rows.
int KeysRotateDataKey(const std::string& config_path);
int KeysRetireDataKey(const std::string& config_path, uint32_t key_id);
int KeysDataKeys(const std::string& config_path);

// `deliverer accounts …` (cli_accounts.cc): an account's own webhook signing secret
// (docs/api.md "Verifying webhook signatures"), used instead of [webhooks] signing_secret for its
// events; a running serve picks a change up within webhooks::Dispatcher::kAccountSecretTtl.
// The secret comes from a file (one line; a final newline is dropped), an environment
// variable, or else one line of standard input: never argv. Shorter than
// kMinWebhookSecretBytes, several lines, or an unknown account: exit 2.
inline constexpr size_t kMinWebhookSecretBytes = 16;
struct SecretSource {
  std::string file;  // --secret-file
  std::string env;   // --secret-env; both "" = standard input
};
int AccountsSetWebhookSecret(const std::string& config_path, const std::string& account,
                             const SecretSource& source);
// Back to the global secret; exit 2 when the account had none of its own.
int AccountsClearWebhookSecret(const std::string& config_path, const std::string& account);
// One account a line: id, created, webhook_secret ("own" or "global"), when it was set.
int AccountsList(const std::string& config_path);

// `deliverer suppressions …`: the list of `account`, or the global list (every account)
// when `global`; a running `serve` sees a change at its next check of that number.
struct SuppressionTarget {
  std::string account;
  bool global = false;
};
// Exactly one of --account and --global; NUMBER in E.164 (validated like the API's `to`).
int SuppressionsAdd(const std::string& config_path, const SuppressionTarget& target,
                    const std::string& number, const std::string& reason);
int SuppressionsRemove(const std::string& config_path, const SuppressionTarget& target,
                       const std::string& number);
// One entry a line: number, account ("*" for the global list), reason, source, created.
// Without --account or --global, every list.
int SuppressionsList(const std::string& config_path, const SuppressionTarget& target);

// `deliverer canary …` (cli_canary.cc): roll-outs their guard halted. list: one a line:
// flag, route, halted at, reason, the guard's figures. resume: lifts the halt (audited
// canary.resume); a running serve follows within a second. Exit 2 when FLAG is not halted.
int CanaryList(const std::string& config_path);
int CanaryResume(const std::string& config_path, const std::string& flag);

// `deliverer erase --number +…` (docs/reliability.md S10, docs/security.md): the person's
// numbers and bodies pseudonymised everywhere in one commit, their opt-outs kept by keyed
// hash, audited as "erase". Works beside a running serve. Exit 2 for a number not in
// E.164 form.
int Erase(const std::string& config_path, const std::string& number);

// `deliverer health` (cli_health.cc): one GET of `url` (a running serve's /healthz), for
// container health checks where no curl is installed. Exit 0 when it is answered 2xx,
// 1 when it is answered otherwise or not at all within `timeout_s` (for the connection,
// then again for the answer), 2 for a bad URL or option. Prints one line saying which.
struct HealthOptions {
  std::string url = "http://127.0.0.1:8080/healthz";
  int timeout_s = 5;
  std::string ca_file;  // https: verify the gateway's certificate against this CA; "" = not verified
};
int Health(const HealthOptions& options);

}  // namespace deliverer::server
