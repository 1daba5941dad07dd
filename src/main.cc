// deliverer: subcommand dispatch only; each command lives in its component.
#include <CLI/CLI.hpp>

#include "server/cli.h"
#include "server/server.h"

namespace {

using deliverer::server::kExitUsage;

void AddConfigOption(CLI::App* command, std::string* path) {
  command->add_option("--config", *path, "Configuration file (TOML)");
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

  std::string config_path, account, scopes, expires_in, key_id;
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "Create a key; it is printed once, on the last line");
  AddConfigOption(create, &config_path);
  create->add_option("--account", account, "Account the key belongs to (created if new)")->required();
  create->add_option("--scopes", scopes, "messages:send,messages:read,suppressions:write,admin")
      ->required();
  create->add_option("--expires-in", expires_in, "Lifetime: 45s, 30m, 12h, 90d");
  create->callback([&] {
    exit_code = deliverer::server::KeysCreate(config_path, account, scopes, expires_in);
  });
  auto* list = keys->add_subcommand("list", "List keys: id, account, scopes, created, expires, revoked");
  AddConfigOption(list, &config_path);
  list->callback([&] { exit_code = deliverer::server::KeysList(config_path); });
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key by its public id");
  AddConfigOption(revoke, &config_path);
  revoke->add_option("KEY_ID", key_id, "The key's public id (its prefix up to the last '_')")
      ->required();
  revoke->callback([&] { exit_code = deliverer::server::KeysRevoke(config_path, key_id); });

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
