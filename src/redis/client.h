#pragma once
// A synchronous Redis connection over hiredis (0.14 on Debian 12, which has no Asio
// adapter): one command at a time, each bounded by a timeout. For state that may be lost
// (docs/deployment.md "Rate limits across processes"): callers keep their calls rare and off the hot path, and
// treat any failure as "Redis is not there now". After a failure the connection is
// dropped and the next call connects again.
//
// Not thread-safe: one caller at a time.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct redisContext;

namespace deliverer::redis {

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // "" for none; never in an error or a log line
  int database = 0;
};

// redis://[[user]:password@]host[:port][/database]; errors never repeat the URL (it may hold
// a password).
Result<Endpoint> ParseUrl(std::string_view url);

class Client {
 public:
  Client(Endpoint endpoint, std::chrono::milliseconds timeout);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs a Lua script (cached on the server by its SHA1, loaded again after a server
  // restart) and returns its reply: an integer, or an array of integers. Errors:
  // "redis_unavailable" (cannot connect, or no answer within the timeout), "redis_error"
  // (the server answered an error, or something other than integers).
  Result<std::vector<int64_t>> Eval(const std::string& script, const std::vector<std::string>& keys,
                                    const std::vector<std::string>& args);

 private:
  Status Connect();
  // Connected, or connects now.
  Status Ready();
  void Drop();
  // After a call hiredis could not complete: drops the connection, says why.
  Error Lost();
  // One command; the reply as integers.
  Result<std::vector<int64_t>> Command(const std::vector<std::string>& argv);
  Result<std::string> LoadScript(const std::string& script);

  const Endpoint endpoint_;
  const std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  std::map<std::string, std::string> sha_of_;  // script → its SHA1 on the current server
};

}  // namespace deliverer::redis
