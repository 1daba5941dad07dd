#include "server/cli.h"

#include <fmt/format.h>

#include <future>
#include <iostream>

#include "auth/api_key.h"
#include "auth/smpp_password.h"
#include "common/mask.h"
#include "common/time_format.h"
#include "compliance/replies.h"
#include "crypto/keyring.h"
#include "validation/request.h"
#include "server/cli_support.h"
#include "server/components.h"
#include "server/server.h"

namespace deliverer::server {
namespace {

std::string OptionalTime(const std::optional<int64_t>& ms) {
  return ms ? FormatRfc3339(*ms) : "-";
}

// The list a suppression command acts on: "" is the global one. add and remove need
// exactly one of --account and --global.
bool CheckTarget(const SuppressionTarget& target) {
  if (target.global == target.account.empty()) return true;
  std::cerr << "give either --account ACCOUNT or --global\n";
  return false;
}

bool CheckNumber(const std::string& number) {
  auto validator = validation::Validator::Create({});
  if (validator.ok() && (*validator)->ValidateDestination(number).ok()) return true;
  std::cerr << "'" << MaskNumber(number) << "' is not a valid E.164 number (e.g. +442071838750)\n";
  return false;
}

std::string ListName(const std::string& account) { return account.empty() ? "*" : account; }

// Waits for an asynchronous store write.
template <class T = Status, class Start>
T Await(Start start) {
  std::promise<T> promise;
  auto future = promise.get_future();
  start([&promise](T outcome) { promise.set_value(std::move(outcome)); });
  return future.get();
}

}  // namespace

namespace {

// A key, or for an SMPP credential its password, with what the store keeps of it.
struct NewSecret {
  auth::GeneratedKey key;  // key_id and hash; `key` is what is shown once
  std::string shown_as;    // "key" or "password"
};

NewSecret MakeSecret(const std::string& smpp_system_id) {
  auth::GeneratedKey key = auth::GenerateKey();
  if (smpp_system_id.empty()) return NewSecret{std::move(key), "key"};
  key.key = auth::GenerateSmppPassword();
  key.hash = auth::HashSmppPassword(key.key);
  return NewSecret{std::move(key), "password"};
}

void PrintSecret(const store::ApiKeyRecord& record) {
  std::cout << "key id:  " << record.key_id << "\naccount: " << record.account
            << "\nscopes:  " << auth::FormatScopes(record.scopes)
            << "\nexpires: " << OptionalTime(record.expires_at_ms) << "\n";
  if (!record.smpp_system_id.empty()) std::cout << "system_id: " << record.smpp_system_id << "\n";
}

// Another active credential with this system_id would make binds ambiguous.
bool SystemIdFree(store::KeyStore& store, const std::string& system_id, int64_t now, int* exit_code) {
  auto found = store.FindSmppCredentials(system_id);
  if (!found.ok()) {
    std::cerr << found.error().detail << "\n";
    *exit_code = kExitFailure;
    return false;
  }
  for (const store::ApiKeyRecord& k : *found) {
    if (!k.revoked_at_ms && (!k.expires_at_ms || *k.expires_at_ms > now)) {
      std::cerr << "the system_id '" << system_id << "' is in use by " << k.key_id
                << " (rotate or revoke that one)\n";
      *exit_code = kExitUsage;
      return false;
    }
  }
  return true;
}

}  // namespace

int KeysCreate(const std::string& config_path, const std::string& account,
               const std::string& scopes_text, const std::string& expires_in,
               const std::string& smpp_system_id) {
  if (!smpp_system_id.empty() && !auth::IsValidSmppSystemId(smpp_system_id)) {
    std::cerr << "--smpp-system-id takes 1 to 15 printable ASCII characters without spaces\n";
    return kExitUsage;
  }
  const auto scopes = auth::ParseScopes(scopes_text);
  if (!scopes) {
    std::cerr << "unknown scopes '" << scopes_text
              << "': use messages:send, messages:read, suppressions:write, admin\n";
    return kExitUsage;
  }
  std::optional<int64_t> lifetime_s;
  if (!expires_in.empty() && !(lifetime_s = ParseDuration(expires_in))) {
    std::cerr << "--expires-in takes a count and a unit: 45s, 30m, 12h or 90d\n";
    return kExitUsage;
  }
  if (account.empty()) {
    std::cerr << "--account must not be empty\n";
    return kExitUsage;
  }
  if (account == compliance::kSystemAccount) {
    std::cerr << "the account '" << account << "' is reserved for replies to opt-out keywords\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;

  const int64_t now = opened->clock.NowUnixMillis();
  if (!smpp_system_id.empty() && !SystemIdFree(*opened->store, smpp_system_id, now, &exit_code)) return exit_code;
  const NewSecret secret = MakeSecret(smpp_system_id);
  const auth::GeneratedKey& key = secret.key;
  store::ApiKeyRecord record{key.key_id, account, key.hash, *scopes, now, std::nullopt,
                             std::nullopt, smpp_system_id};
  if (lifetime_s) record.expires_at_ms = now + *lifetime_s * 1000;
  if (Status s = opened->store->CreateApiKey(record, CliAudit(now, account, "key.create", key.key_id));
      !s.ok()) {
    std::cerr << "cannot store the key: " << s.error().detail << "\n";
    return kExitFailure;
  }
  PrintSecret(record);
  std::cout << "The " << secret.shown_as << " is shown once; store it now:\n" << key.key << std::endl;
  return kExitOk;
}

int KeysList(const std::string& config_path) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  auto keys = opened->store->ListApiKeys();
  if (!keys.ok()) {
    std::cerr << keys.error().detail << "\n";
    return kExitFailure;
  }
  for (const auto& k : *keys) {
    std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\t{}{}\n", k.key_id, k.account,
                             auth::FormatScopes(k.scopes), FormatRfc3339(k.created_at_ms),
                             OptionalTime(k.expires_at_ms), OptionalTime(k.revoked_at_ms),
                             k.smpp_system_id.empty() ? "" : "\tsmpp:" + k.smpp_system_id);
  }
  return kExitOk;
}

int KeysRevoke(const std::string& config_path, const std::string& key_id) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  Status s = opened->store->RevokeApiKey(key_id, now, CliAudit(now, "", "key.revoke", key_id));
  if (!s.ok()) {
    std::cerr << s.error().detail << "\n";
    return s.error().code == "not_found" ? kExitUsage : kExitFailure;
  }
  std::cout << "revoked " << key_id << "; running servers refuse it within 5 s" << std::endl;
  return kExitOk;
}

int KeysRotate(const std::string& config_path, const std::string& key_id, const std::string& grace) {
  const std::optional<int64_t> grace_s = ParseDuration(grace);
  if (!grace_s) {
    std::cerr << "--grace takes a count and a unit: 45s, 30m, 12h or 7d\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  auto found = opened->store->FindApiKey(key_id);
  if (!found.ok()) {
    std::cerr << found.error().detail << "\n";
    return kExitFailure;
  }
  if (!*found) {
    std::cerr << "no key " << key_id << "\n";
    return kExitUsage;
  }
  const store::ApiKeyRecord& old = **found;
  const int64_t now = opened->clock.NowUnixMillis();
  const NewSecret secret = MakeSecret(old.smpp_system_id);
  const auth::GeneratedKey& key = secret.key;
  // The replacement has the old key's account, scopes, lifetime and SMPP system_id: an SMPP
  // producer binds with the same system_id and either password during the grace.
  store::ApiKeyRecord replacement{key.key_id, old.account, key.hash, old.scopes, now, std::nullopt, std::nullopt,
                                  old.smpp_system_id};
  if (old.expires_at_ms) replacement.expires_at_ms = now + (*old.expires_at_ms - old.created_at_ms);
  const int64_t old_until = now + *grace_s * 1000;
  Status s = opened->store->RotateApiKey(key_id, old_until, replacement,
                                         CliAudit(now, old.account, "key.rotate", key_id, key.key_id));
  if (!s.ok()) {
    std::cerr << s.error().detail << "\n";
    return s.error().code == "not_found" ? kExitUsage : kExitFailure;
  }
  PrintSecret(replacement);
  std::cout << key_id << " keeps working until " << FormatRfc3339(std::min(old_until, old.expires_at_ms.value_or(old_until)))
            << "\nThe " << secret.shown_as << " is shown once; store it now:\n"
            << key.key << std::endl;
  return kExitOk;
}

int SuppressionsAdd(const std::string& config_path, const SuppressionTarget& target,
                    const std::string& number, const std::string& reason) {
  if (!CheckTarget(target) || !CheckNumber(number)) return kExitUsage;
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  store::Suppression suppression{target.account, number, reason, "cli", now};
  Status s = Await([&](auto done) {
    opened->store->PutSuppression(suppression,
                                  CliAudit(now, target.account, "suppression.put", MaskNumber(number)),
                                  std::move(done));
  });
  if (!s.ok()) {
    std::cerr << "cannot store the suppression: " << s.error().detail << "\n";
    return kExitFailure;
  }
  std::cout << "suppressed " << number << " for " << ListName(target.account) << std::endl;
  return kExitOk;
}

int SuppressionsRemove(const std::string& config_path, const SuppressionTarget& target,
                       const std::string& number) {
  if (!CheckTarget(target) || !CheckNumber(number)) return kExitUsage;
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  Status s = Await([&](auto done) {
    opened->store->DeleteSuppression(target.account, number,
                                     CliAudit(now, target.account, "suppression.delete", MaskNumber(number)),
                                     std::move(done));
  });
  if (!s.ok()) {
    std::cerr << (s.error().code == "not_found" ? "not on that list" : s.error().detail) << "\n";
    return s.error().code == "not_found" ? kExitUsage : kExitFailure;
  }
  std::cout << "removed " << number << " from " << ListName(target.account) << std::endl;
  return kExitOk;
}

int SuppressionsList(const std::string& config_path, const SuppressionTarget& target) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  store::SuppressionQuery query{target.account, 1000, std::nullopt,
                                /*all_accounts=*/!target.global && target.account.empty(), std::nullopt};
  for (;;) {
    auto page = opened->store->ListSuppressions(query);
    if (!page.ok()) {
      std::cerr << page.error().detail << "\n";
      return kExitFailure;
    }
    for (const store::Suppression& s : *page) {
      std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\n", s.number, ListName(s.account), s.reason, s.source,
                               FormatRfc3339(s.created_at_ms));
    }
    if (page->size() < static_cast<size_t>(query.limit)) break;
    query.after_account = page->back().account;
    query.after_number = page->back().number;
  }
  std::cout << std::flush;
  return kExitOk;
}

int Erase(const std::string& config_path, const std::string& number) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const int64_t now = opened->clock.NowUnixMillis();
  auto erased = Await<Result<store::EraseResult>>([&](auto done) {
    opened->store->EraseNumber(number, CliAudit(now, "", "erase", MaskNumber(number)), std::move(done));
  });
  if (!erased.ok()) {
    std::cerr << erased.error().detail << "\n";
    return erased.error().code == "invalid_destination" ? kExitUsage : kExitFailure;
  }
  std::cout << fmt::format("erased {}: {} messages ({} queued, now rejected), {} inbound, {} opt-outs kept by hash\n",
                           MaskNumber(number), erased->messages, erased->rejected, erased->inbound,
                           erased->suppressions);
  if (!erased->log_truncated) {
    std::cout << "the write-ahead log was busy: its old copies go at the next checkpoint\n";
  }
  std::cout << std::flush;
  return kExitOk;
}

namespace {

// The key ring at `path`, or nullopt after printing why it does not load.
std::optional<crypto::KeyRing> LoadRingOrSayWhy(const std::string& path) {
  auto ring = crypto::LoadKeyRing(path);
  if (!ring.ok()) {
    std::cerr << ring.error().detail << "\n";
    return std::nullopt;
  }
  return std::move(*ring);
}

}  // namespace

int KeysRotateDataKey(const std::string& config_path) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);  // creates the ring on a first use
  if (!opened) return exit_code;
  const std::string path = KeyRingPath(opened->config);
  std::optional<crypto::KeyRing> ring = LoadRingOrSayWhy(path);
  if (!ring) return kExitFailure;
  const int64_t now = opened->clock.NowUnixMillis();
  const uint32_t id = crypto::AddDataKey(*ring, now);
  if (Status s = crypto::SaveKeyRing(path, *ring); !s.ok()) {
    std::cerr << "cannot write the key ring: " << s.error().detail << "\n";
    return kExitFailure;
  }
  const std::string target = fmt::format("data-key:{}", id);
  Status audited = Await([&](auto done) {
    opened->store->AppendAudit(CliAudit(now, "", "data_key.rotate", target), std::move(done));
  });
  if (!audited.ok()) std::cerr << "warning: not audited: " << audited.error().detail << "\n";
  std::cout << "data key " << id << " is now primary in " << path
            << "\nOlder keys still open what they sealed. A running serve picks the ring up within"
               " seconds and re-encrypts older bodies in the background; follow it with"
               " `deliverer keys data-keys`."
            << std::endl;
  return kExitOk;
}

int KeysRetireDataKey(const std::string& config_path, uint32_t key_id) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  const std::string path = KeyRingPath(opened->config);
  std::optional<crypto::KeyRing> ring = LoadRingOrSayWhy(path);
  if (!ring) return kExitFailure;
  if (Status s = crypto::RemoveDataKey(*ring, key_id); !s.ok()) {
    std::cerr << s.error().detail << (s.error().code == "key_in_use" ? ": rotate first" : "")
              << "\n";
    return kExitUsage;
  }
  auto rows = opened->store->CountRowsByDataKey();
  if (!rows.ok()) {
    std::cerr << rows.error().detail << "\n";
    return kExitFailure;
  }
  if (auto it = rows->find(key_id); it != rows->end() && it->second > 0) {
    std::cerr << fmt::format(
        "data key {} still seals {} rows: not retired. A running serve re-encrypts them to the "
        "primary key; retry when `deliverer keys data-keys` shows 0.\n",
        key_id, it->second);
    return kExitFailure;
  }
  if (Status s = crypto::SaveKeyRing(path, *ring); !s.ok()) {
    std::cerr << "cannot write the key ring: " << s.error().detail << "\n";
    return kExitFailure;
  }
  const int64_t now = opened->clock.NowUnixMillis();
  const std::string target = fmt::format("data-key:{}", key_id);
  Status audited = Await([&](auto done) {
    opened->store->AppendAudit(CliAudit(now, "", "data_key.retire", target), std::move(done));
  });
  if (!audited.ok()) std::cerr << "warning: not audited: " << audited.error().detail << "\n";
  std::cout << "data key " << key_id << " retired: deleted from " << path << std::endl;
  return kExitOk;
}

int KeysDataKeys(const std::string& config_path) {
  int exit_code = kExitOk;
  auto opened = OpenForCli(config_path, &exit_code);
  if (!opened) return exit_code;
  auto ring = crypto::LoadKeyRing(KeyRingPath(opened->config));
  auto rows = opened->store->CountRowsByDataKey();
  if (!ring.ok() || !rows.ok()) {
    std::cerr << (ring.ok() ? rows.error().detail : ring.error().detail) << "\n";
    return kExitFailure;
  }
  std::cout << "key_id\tstate\tcreated\trows\n";
  for (const crypto::DataKey& k : ring->data_keys) {
    const auto it = rows->find(k.id);
    std::cout << fmt::format("{}\t{}\t{}\t{}\n", k.id, k.id == ring->primary ? "primary" : "old",
                             FormatRfc3339(k.created_at_ms), it == rows->end() ? 0 : it->second);
  }
  for (const auto& [id, count] : *rows) {
    if (id == 0) std::cout << fmt::format("0\tcleartext\t-\t{}\n", count);
    else if (ring->Find(id) == nullptr) std::cout << fmt::format("{}\tmissing\t-\t{}\n", id, count);
  }
  std::cout << std::flush;
  return kExitOk;
}

int ConfigCheck(const std::string& config_path) {
  auto config = LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << config.error().detail << "\n";
    return kExitUsage;
  }
  std::cout << config::Describe(*config) << "configuration OK" << std::endl;
  return kExitOk;
}

}  // namespace deliverer::server
