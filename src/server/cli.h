#pragma once
// The operator commands that work beside a running `serve` on the same configuration:
// API keys and configuration checks. Each returns a process exit code and prints for
// humans on stdout, errors on stderr.
#include <string>

namespace deliverer::server {

int KeysCreate(const std::string& config_path, const std::string& account,
               const std::string& scopes, const std::string& expires_in);
int KeysList(const std::string& config_path);
int KeysRevoke(const std::string& config_path, const std::string& key_id);
int ConfigCheck(const std::string& config_path);

}  // namespace deliverer::server
