// deliverer: subcommand dispatch only; each command lives in its component.
#include <CLI/CLI.hpp>

#include "loadgen/cli.h"
#include "server/cli.h"
#include "server/server.h"
#include "sim/cli.h"

namespace {

using deliverer::server::kExitUsage;

void AddConfigOption(CLI::App* command, std::string* path) {
  command->add_option("--config", *path, "Configuration file (TOML)");
}

void AddSimOptions(CLI::App* sim, deliverer::sim::SimCliOptions& o) {
  sim->add_option("--host", o.host, "Address the listeners bind to")->default_val(o.host);
  sim->add_option("--smpp-port", o.smpp_port, "SMPP port (0: a free one)")->default_val(o.smpp_port);
  sim->add_option("--control-port", o.control_port, "Control API port (0: a free one)")
      ->default_val(o.control_port);
  sim->add_option("--http-port", o.http_port, "HTTP carrier port (0: a free one; default: none)");
  sim->add_option("--record", o.record_path, "Write every submit_sm received to FILE (JSONL)");
  sim->add_option("--smpp-tls-cert", o.smpp_tls_cert_file, "Serve SMPP over TLS with this PEM certificate chain");
  sim->add_option("--smpp-tls-key", o.smpp_tls_key_file, "The PEM key of --smpp-tls-cert");
  sim->add_option("--seed", o.seed, "Random seed (0: a fresh one)");
  sim->add_option("--config-json", o.config_json, "Behaviour as partial JSON (docs/simulator.md)");
  sim->add_option("--log-level", o.log_level, "trace|debug|info|warn|error")->default_val("info");
  sim->add_option("--log-format", o.log_format, "text|json")->default_val("text");
  sim->add_option("--system-id", o.system_id, "Accept binds with this system_id only");
  sim->add_option("--password", o.password, "Accept binds with this password only");
  sim->add_option("--transient-rate", o.transient_rate, "Share of submits answered 0x58/0x14/0x08");
  sim->add_option("--permanent-rate", o.permanent_rate, "Share of submits answered 0x0B");
  sim->add_option("--max-tps", o.max_tps, "Submits per second over all binds; above: 0x58");
  sim->add_option("--latency-ms", o.latency_ms, "Delay before each submit_sm_resp");
  sim->add_option("--receipt-delay-ms", o.receipt_delay_ms, "Receipt delay: MS or MIN-MAX");
  sim->add_option("--disconnect-every-s", o.disconnect_every_s, "Drop each bind after S seconds");
  sim->add_option("--disconnect-after-pdus", o.disconnect_after_pdus, "Drop each bind after N PDUs");
  sim->add_flag("--no-receipts", o.no_receipts, "Never send delivery receipts");
  sim->add_flag("--refuse-binds", o.refuse_binds, "Refuse every bind (0x0D)");
  sim->add_flag("--black-hole", o.black_hole, "Read everything, answer nothing");
  sim->add_option("--http-token", o.http_token, "POST /send needs Authorization: Bearer TOKEN");
  sim->add_option("--dlr-url", o.dlr_url, "Where the HTTP carrier posts receipts");
  sim->add_option("--dlr-token", o.dlr_token, "X-Carrier-Token sent with receipts and MO posts");
  sim->add_option("--inbound-url", o.inbound_url, "Where the HTTP carrier posts MO");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Deliverer: an SMS delivery gateway"};
  app.require_subcommand(1);
  int exit_code = 0;

  deliverer::server::ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the gateway");
  AddConfigOption(serve_cmd, &serve.config_path);
  serve_cmd->add_option("--role", serve.role, "all | api | worker")->default_val("all");
  serve_cmd->add_flag("--demo", serve.demo, "Run with a demo API key, printed with a curl command");
  serve_cmd->callback([&] { exit_code = deliverer::server::Serve(serve); });

  deliverer::sim::SimCliOptions sim;
  auto* sim_cmd = app.add_subcommand("sim", "Run the carrier simulator (SMPP server + control API)");
  AddSimOptions(sim_cmd, sim);
  sim_cmd->callback([&] { exit_code = deliverer::sim::RunSim(sim); });

  deliverer::loadgen::BenchOptions bench;
  auto* bench_cmd = app.add_subcommand("bench", "Load generator: drive the HTTP API, report rates and latencies");
  deliverer::loadgen::AddBenchOptions(bench_cmd, bench);
  bench_cmd->callback([&] { exit_code = deliverer::loadgen::RunBench(bench); });

  std::string config_path, account, scopes, expires_in, key_id, smpp_system_id;
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "Create a key; it is printed once, on the last line");
  AddConfigOption(create, &config_path);
  create->add_option("--account", account, "Account the key belongs to (created if new)")->required();
  create->add_option("--scopes", scopes, "messages:send,messages:read,suppressions:write,admin")
      ->required();
  create->add_option("--expires-in", expires_in, "Lifetime: 45s, 30m, 12h, 90d");
  create->add_option("--smpp-system-id", smpp_system_id,
                     "An SMPP credential for this system_id instead of an API key; its password is printed");
  create->callback([&] {
    exit_code = deliverer::server::KeysCreate(config_path, account, scopes, expires_in, smpp_system_id);
  });
  auto* list = keys->add_subcommand("list", "List keys: id, account, scopes, created, expires, revoked (and smpp:SYSTEM_ID)");
  AddConfigOption(list, &config_path);
  list->callback([&] { exit_code = deliverer::server::KeysList(config_path); });
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key by its public id");
  AddConfigOption(revoke, &config_path);
  revoke->add_option("KEY_ID", key_id, "The key's public id (its prefix up to the last '_')")
      ->required();
  revoke->callback([&] { exit_code = deliverer::server::KeysRevoke(config_path, key_id); });
  std::string grace = "24h";
  auto* rotate = keys->add_subcommand(
      "rotate", "Create a replacement for a key (printed once); the old one keeps working for --grace");
  AddConfigOption(rotate, &config_path);
  rotate->add_option("KEY_ID", key_id, "The key's public id")->required();
  rotate->add_option("--grace", grace, "How long the old key keeps working: 45s, 30m, 12h, 7d")->default_val(grace);
  rotate->callback([&] { exit_code = deliverer::server::KeysRotate(config_path, key_id, grace); });
  auto* rotate_data = keys->add_subcommand(
      "rotate-data-key", "Add a new primary key for bodies at rest; a running serve re-encrypts");
  AddConfigOption(rotate_data, &config_path);
  rotate_data->callback([&] { exit_code = deliverer::server::KeysRotateDataKey(config_path); });
  uint32_t data_key_id = 0;
  auto* retire = keys->add_subcommand(
      "retire-data-key", "Delete an old data key from the key ring, only when no row uses it");
  AddConfigOption(retire, &config_path);
  retire->add_option("KEY_ID", data_key_id, "The data key's id (see keys data-keys)")->required();
  retire->callback([&] { exit_code = deliverer::server::KeysRetireDataKey(config_path, data_key_id); });
  auto* data_keys = keys->add_subcommand("data-keys", "List data keys: id, state, created, rows");
  AddConfigOption(data_keys, &config_path);
  data_keys->callback([&] { exit_code = deliverer::server::KeysDataKeys(config_path); });

  deliverer::server::SecretSource secret_source;
  bool clear_secret = false;
  auto* accounts = app.add_subcommand("accounts", "Manage accounts (created with their first key)");
  accounts->require_subcommand(1);
  auto* set_secret = accounts->add_subcommand(
      "set-webhook-secret",
      "Sign an account's webhooks with its own secret, read from --secret-file, --secret-env "
      "or one line of stdin (never argv); --clear to go back to the global one");
  AddConfigOption(set_secret, &config_path);
  set_secret->add_option("--account", account, "The account")->required();
  auto* secret_file =
      set_secret->add_option("--secret-file", secret_source.file, "Read the secret from this file");
  auto* secret_env = set_secret->add_option("--secret-env", secret_source.env,
                                            "Read the secret from this environment variable");
  secret_file->excludes(secret_env);
  set_secret
      ->add_flag("--clear", clear_secret,
                 "Remove the account's secret: the global one applies again")
      ->excludes(secret_file)
      ->excludes(secret_env);
  set_secret->callback([&] {
    exit_code = clear_secret ? deliverer::server::AccountsClearWebhookSecret(config_path, account)
                             : deliverer::server::AccountsSetWebhookSecret(config_path, account,
                                                                           secret_source);
  });
  auto* list_accounts = accounts->add_subcommand(
      "list", "List accounts: id, created, webhook secret (own or global), when it was set");
  AddConfigOption(list_accounts, &config_path);
  list_accounts->callback([&] { exit_code = deliverer::server::AccountsList(config_path); });

  deliverer::server::SuppressionTarget target;
  std::string number, reason = "operator";
  auto* suppressions = app.add_subcommand("suppressions", "Manage suppression lists (opt-outs)");
  suppressions->require_subcommand(1);
  auto add_target = [&](CLI::App* command) {
    AddConfigOption(command, &config_path);
    auto* account_opt = command->add_option("--account", target.account, "The account's list");
    command->add_flag("--global", target.global, "The global list, which applies to every account")
        ->excludes(account_opt);
  };
  auto* add = suppressions->add_subcommand("add", "Put a number on a list");
  add_target(add);
  add->add_option("--reason", reason, "Why (shown by list)")->default_val(reason);
  add->add_option("NUMBER", number, "E.164 number, e.g. +442071838750")->required();
  add->callback([&] { exit_code = deliverer::server::SuppressionsAdd(config_path, target, number, reason); });
  auto* remove = suppressions->add_subcommand("remove", "Take a number off a list");
  add_target(remove);
  remove->add_option("NUMBER", number, "E.164 number, e.g. +442071838750")->required();
  remove->callback([&] { exit_code = deliverer::server::SuppressionsRemove(config_path, target, number); });
  auto* list_sup = suppressions->add_subcommand(
      "list", "List entries: number, account (* = global), reason, source, created; every list by default");
  add_target(list_sup);
  list_sup->callback([&] { exit_code = deliverer::server::SuppressionsList(config_path, target); });

  std::string flag;
  auto* canary = app.add_subcommand("canary", "Canary roll-outs halted by their guard");
  canary->require_subcommand(1);
  auto* list_canary = canary->add_subcommand(
      "list", "List halted roll-outs: flag, route, halted at, reason, the guard's figures");
  AddConfigOption(list_canary, &config_path);
  list_canary->callback([&] { exit_code = deliverer::server::CanaryList(config_path); });
  auto* resume = canary->add_subcommand(
      "resume", "Lift a halt: the roll-out's canary arm takes its share again (audited)");
  AddConfigOption(resume, &config_path);
  resume->add_option("FLAG", flag, "The roll-out's flag, as in its route's canary table")->required();
  resume->callback([&] { exit_code = deliverer::server::CanaryResume(config_path, flag); });

  auto* erase = app.add_subcommand(
      "erase", "GDPR erasure: a person's numbers and bodies pseudonymised everywhere; their opt-outs still hold");
  AddConfigOption(erase, &config_path);
  erase->add_option("--number", number, "The person's number: '+' and its digits, e.g. +442071838750")->required();
  erase->callback([&] { exit_code = deliverer::server::Erase(config_path, number); });

  std::string backup_dir;
  auto* backup = app.add_subcommand(
      "backup", "A consistent copy of the store and its key ring, taken while serve runs");
  AddConfigOption(backup, &config_path);
  backup->add_option("--to", backup_dir, "A new directory for the copy (mode 0700)")->required();
  backup->callback([&] { exit_code = deliverer::server::Backup(config_path, backup_dir); });
  auto* restore = app.add_subcommand(
      "restore", "Put a backup in place of the configured store, where there is none");
  AddConfigOption(restore, &config_path);
  restore->add_option("--from", backup_dir, "The directory `deliverer backup` wrote")->required();
  restore->callback([&] { exit_code = deliverer::server::Restore(config_path, backup_dir); });

  deliverer::server::HealthOptions health;
  auto* health_cmd = app.add_subcommand(
      "health", "GET a running gateway's /healthz: exit 0 when it answers 2xx, 1 otherwise (container health checks)");
  health_cmd->add_option("--url", health.url, "What to GET")->default_val(health.url);
  health_cmd->add_option("--timeout-s", health.timeout_s, "Seconds to connect, then again to be answered")
      ->default_val(health.timeout_s);
  health_cmd->add_option("--ca-file", health.ca_file, "https: verify the certificate against this CA (default: not verified)");
  health_cmd->callback([&] { exit_code = deliverer::server::Health(health); });

  auto* config_cmd = app.add_subcommand("config", "Configuration tools");
  config_cmd->require_subcommand(1);
  auto* check = config_cmd->add_subcommand("check", "Validate a configuration and print it resolved");
  AddConfigOption(check, &config_path);
  check->callback([&] { exit_code = deliverer::server::ConfigCheck(config_path); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
