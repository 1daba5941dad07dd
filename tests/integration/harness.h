#pragma once
// Integration-test harness: runs the real `deliverer` binary (path in DELIVERER_BINARY) on
// a free port with its own temporary directory, and talks to it as a producer and an
// operator would: over real sockets and through the CLI.
//
// Every DelivererProcess owns a fresh directory and listens on port 0, so tests never share
// state and may run in parallel (ctest -j). Nothing here waits with a fixed sleep: the
// harness waits for the process's own log line, for its exit, or polls a condition with a
// deadline (WaitFor).
//
// Not thread-safe unless stated: one test thread drives a DelivererProcess. The HTTP
// helpers (Post, Get, Put, Delete, Send, NewClient) are const and may be called from many
// threads at once; each call opens its own connection.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace deliverer::integration {

using Json = nlohmann::json;
using Millis = std::chrono::milliseconds;
using SysMillis = std::chrono::sys_time<Millis>;

// Numbers that libphonenumber treats as valid and dialable.
inline constexpr const char* kFrom = "+14155550100";
inline constexpr const char* kTo = "+442071838750";
// [webhooks] signing_secret of every test config.
inline constexpr const char* kSigningSecret = "integration-test-signing-secret";
inline constexpr const char* kToFr = "+33612345678";
inline constexpr const char* kToDe = "+4915123456789";
inline constexpr const char* kToUs = "+14155552671";

// Scope lists for `keys create --scopes`.
inline constexpr const char* kSendRead = "messages:send,messages:read";

// ---------------------------------------------------------------------------------------
// HTTP answers

// One HTTP answer as a producer sees it.
struct HttpResponse {
  int status = 0;               // 0 when no answer arrived (refused, reset, timed out)
  std::string transport_error;  // why, when status == 0
  httplib::Headers headers;     // names compare case-insensitively
  std::string body;
  Json json;  // the parsed body; null when it is not JSON

  // The header's value, "" when absent.
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
  // json["code"] / json["field"] as strings, "" when absent.
  std::string Code() const;
  std::string Field() const;
};

// Prints the answer for assertion messages.
std::ostream& operator<<(std::ostream& os, const HttpResponse& r);

// Succeeds when `r` is an RFC 9457 problem (Content-Type application/problem+json) with
// this HTTP status, a body `status` equal to it, this `code` and, when `field` is given,
// this `field`. Use as EXPECT_TRUE(IsProblem(r, 400, "invalid_field", "ttl")).
::testing::AssertionResult IsProblem(const HttpResponse& r, int status, const std::string& code,
                                     const std::string& field = "");

// Succeeds when `r` has this status; the failure message shows the whole answer.
::testing::AssertionResult HasStatus(const HttpResponse& r, int status);

// ---------------------------------------------------------------------------------------
// Values producers send and check

// A valid message request: from kFrom to `to` with `body`.
Json Message(const std::string& to = kTo, const std::string& body = "Your code is 123456");
// json[name] when it is a string, "" otherwise (also when json is not an object).
std::string StringField(const Json& json, const std::string& name);
// A random (version 4) UUID, lower case.
std::string NewUuid();
// `n` copies of `unit` (a UTF-8 string), for bodies of a known length.
std::string Repeat(const std::string& unit, size_t n);
// "?a=1&b=%2B44…": the pairs percent-encoded (everything but RFC 3986 unreserved).
std::string Query(const std::vector<std::pair<std::string, std::string>>& params);
// The answers to identical POSTs of one message raced at once (docs/reliability.md R2):
// each a 202 or a 200 replay (`Idempotent-Replayed: true`) of message `id`, all with one
// created_at. Counts the 202s and the replays; the failure names every other answer.
::testing::AssertionResult AllOneMessage(const std::vector<HttpResponse>& answers, const std::string& id,
                                         int& accepted, int& replayed);

// RFC 3339 UTC with exactly three fractional digits: 2026-11-25T19:16:05.123Z.
bool IsRfc3339Millis(const std::string& text);
SysMillis ParseRfc3339Millis(const std::string& text);  // precondition: IsRfc3339Millis
std::string FormatRfc3339Millis(SysMillis t);
// A UUID (any version) in canonical lower-case form; `version` 0 = any.
bool IsUuid(const std::string& text, int version = 0);

// The key's public id (its prefix up to the last '_') and its secret (after it).
std::string KeyId(const std::string& key);
std::string KeySecret(const std::string& key);
// The same key with every letter and digit of its secret changed (same length, alphabet).
std::string WithWrongSecret(const std::string& key);

// Polls `condition` every `interval` until it holds (true) or `timeout` passes (false).
bool WaitFor(const std::function<bool()>& condition, Millis timeout, Millis interval = Millis(50));

// ---------------------------------------------------------------------------------------
// Files and commands

// A fresh directory from mkdtemp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the file's path.
  std::string WriteFile(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// The harness's configuration: listen on 127.0.0.1:0, SQLite under `data_dir`, one SMPP
// carrier "sim-a" on 127.0.0.1:1 (nothing listens there, so messages stay queued) and a
// catch-all failover route to it, followed by `extra_toml`, which must begin with a table
// header and must not repeat [storage]. When `extra_toml` has a [server] or [webhooks]
// table, it replaces the harness's (and must then listen on port 0 and sign webhooks
// itself).
// `carriers_toml`, when given, replaces that carrier and route ([[carriers]] and [[routes]]
// tables, e.g. from SmppCarrierToml).
std::string BaseConfig(const std::string& data_dir, const std::string& extra_toml = "",
                       const std::string& carriers_toml = "");
// A [queue] table for dispatch through the test run's RabbitMQ (support/services.h), on
// queues of the caller's own, for BaseConfig's `extra_toml`.
std::string RabbitmqQueueToml();
// One [[carriers]] table for an SMPP carrier on 127.0.0.1:`port` with the harness's
// credentials, followed by `extra_keys` (TOML lines for the same table).
std::string SmppCarrierToml(const std::string& id, uint16_t port, const std::string& extra_keys = "");

struct CommandResult {
  int exit_code = -1;  // -1 when it died of a signal or was killed at the timeout
  std::string out;     // standard output
  std::string err;     // standard error
  std::string Output() const { return out + err; }
};

// Runs `deliverer ARGS…` to completion (killed after `timeout`).
CommandResult RunDeliverer(const std::vector<std::string>& args,
                           std::chrono::seconds timeout = std::chrono::seconds(60));
// Runs `program ARGS…` (a path) the same way, e.g. another SMPP client.
CommandResult RunCommand(const std::string& program, const std::vector<std::string>& args,
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// ---------------------------------------------------------------------------------------
// The server

// `deliverer serve --config <dir>/deliverer.toml FLAGS…` as a child process (FLAGS e.g.
// {"--role", "api"}; every start, Restart included, uses them). Its standard output and
// error go to a pipe that a thread drains into Log(), so the process never blocks on
// logging. The constructor returns once the process has logged
// `listening on http://HOST:PORT`; it throws std::runtime_error (with the log) when the
// process exits or stays silent for 30 s instead.
class DelivererProcess {
 public:
  explicit DelivererProcess(std::string extra_toml = "", std::string carriers_toml = "",
                            std::vector<std::string> serve_flags = {});
  // Another process on `other`'s configuration and data folder, started with `serve_flags`
  // (e.g. --role api beside a delivering process on a shared PostgreSQL store). `other`
  // must outlive it.
  struct Beside {
    const DelivererProcess& other;
  };
  DelivererProcess(Beside beside, std::vector<std::string> serve_flags);
  // SIGKILLs the process if it still runs and removes the directory. When the current
  // test failed, prints the directory and the tail of the log first.
  ~DelivererProcess();
  DelivererProcess(const DelivererProcess&) = delete;
  DelivererProcess& operator=(const DelivererProcess&) = delete;

  uint16_t Port() const { return port_; }
  const std::string& ConfigPath() const { return config_path_; }
  const std::string& DataDir() const { return data_dir_; }
  const std::string& Dir() const { return dir_.path(); }
  bool Running() const { return pid_ > 0; }
  int Pid() const { return pid_; }
  // Everything the process (and its earlier runs, see Restart) wrote so far.
  std::string Log() const;

  // Sends `signal` (e.g. SIGHUP) to the running process.
  void Signal(int signal) const;
  // Waits until the log holds `needle`; the failure shows the log's tail.
  ::testing::AssertionResult WaitForLog(const std::string& needle, Millis timeout = Millis(30'000)) const;

  // SIGKILL, then reap. No-op when not running. Kill9, Terminate, Restart and the
  // destructor record a test failure when the process had already ended on its own
  // (a crash), and note it in Log().
  void Kill9();
  // SIGTERM, then wait up to `grace` for the exit (SIGKILL after it). Returns the exit
  // code, or -1 when it died of a signal or had to be killed.
  int Terminate(std::chrono::seconds grace = std::chrono::seconds(30));
  // Sends `signal` (one that ends the process, e.g. SIGSEGV) and waits up to `grace` for
  // the end, which is then expected: no failure is recorded. Returns the signal the process
  // died of; -1 when it exited instead or had to be killed after `grace`.
  int KillWith(int signal, std::chrono::seconds grace = std::chrono::seconds(30));
  // Starts the process again on the same config and data directory (terminating it first
  // when it still runs); Port() then holds the new port.
  void Restart();

  // `deliverer keys create`; returns the key (the last line of standard output). Throws
  // std::runtime_error when the command fails.
  std::string CreateKey(const std::string& account, const std::string& scopes,
                        const std::string& expires_in = "") const;
  // `deliverer keys rotate KEY_ID --grace GRACE`; returns the new key. Throws when it fails.
  std::string RotateKey(const std::string& key_id, const std::string& grace) const;
  // `deliverer keys revoke KEY_ID`; throws when the command fails.
  void RevokeKey(const std::string& key_id) const;
  // `deliverer keys list`: its standard output.
  std::string ListKeys() const;

  // One request on a new connection. `key` "" sends no Authorization header.
  HttpResponse Post(const std::string& path, const Json& body, const std::string& key) const;
  HttpResponse PostRaw(const std::string& path, const std::string& body, const std::string& key,
                       const std::string& content_type = "application/json") const;
  HttpResponse Get(const std::string& path, const std::string& key = "") const;
  HttpResponse Put(const std::string& path, const Json& body, const std::string& key) const;
  HttpResponse Delete(const std::string& path, const std::string& key) const;
  HttpResponse Send(const std::string& method, const std::string& path,
                    const httplib::Headers& headers, const std::string& body = "",
                    const std::string& content_type = "") const;

  // A client for this server with the harness's timeouts and no URL rewriting, for tests
  // that manage connections themselves (keep-alive, parallel producers).
  std::unique_ptr<httplib::Client> NewClient() const;
  // Later requests go over HTTPS (a server given [server] tls_cert_file), trusting
  // `ca_file` and presenting the client certificate when one is given.
  void UseHttps(std::string ca_file, std::string client_certificate_file = "",
                std::string client_key_file = "");

 private:
  void Start();
  void WaitUntilListening(size_t log_from);
  void DrainOutput(int fd);
  void StopReader();
  // When the process has ended without being told to: reaps it, records a failure.
  bool ReapIfEnded();
  // docs/reliability.md S8: the numbers, bodies and keys this harness sent are remembered,
  // and the destructor fails the test when the log holds any of them in full.
  void NoteSensitive(const std::string& body, const httplib::Headers& headers,
                     const std::string& path = "") const;
  void CheckLogHoldsNoSensitiveData() const;
  void ReportUnexpectedEnd(int wait_status);
  CommandResult Cli(std::vector<std::string> args) const;
  // Runs `deliverer ARGS…` and returns the key on the last line of its output.
  std::string KeyPrintedBy(const std::vector<std::string>& args) const;

  TempDir dir_;
  std::string data_dir_;
  std::string config_path_;
  std::vector<std::string> serve_flags_;
  int pid_ = -1;
  uint16_t port_ = 0;
  std::string https_ca_file_;  // "" = plain HTTP
  std::string client_certificate_file_, client_key_file_;

  mutable std::mutex log_mutex_;
  mutable std::condition_variable log_changed_;
  std::string log_;
  bool output_closed_ = false;  // the reader saw EOF on the current run's pipe
  std::atomic<bool> stop_reader_{false};
  std::thread reader_;

  mutable std::mutex sensitive_mutex_;
  mutable std::set<std::string> sensitive_;
};

// Converts an httplib result into an HttpResponse.
HttpResponse ToResponse(const httplib::Result& result);
// Headers with `Authorization: Bearer <key>` (none when key is "").
httplib::Headers Bearer(const std::string& key);

}  // namespace deliverer::integration
