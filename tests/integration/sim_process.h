#pragma once
// `deliverer sim` as a child process for integration tests: started on free ports (the
// ports come from its `smpp on HOST:PORT`, `control on HOST:PORT` and, with
// `--http-port`, `http on HOST:PORT` log lines, never from a sleep), with a record file in
// its own temporary directory, and its control API.
//
// Not thread-safe: one test thread drives a SimProcess. The control helpers open one
// connection per call.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/harness.h"

namespace deliverer::integration {

class SimProcess {
 public:
  // `deliverer sim --smpp-port 0 --control-port 0 --record <dir>/record.jsonl ARGS…`.
  // Returns once the listeners are logged; throws std::runtime_error (with the output)
  // when the process exits or stays silent for 30 s instead.
  explicit SimProcess(std::vector<std::string> args = {});
  // SIGKILLs the process if it still runs; prints its output when the test failed.
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  uint16_t SmppPort() const { return smpp_port_; }
  uint16_t ControlPort() const { return control_port_; }
  // The HTTP carrier's port; 0 when the process was started without --http-port.
  uint16_t HttpPort() const { return http_port_; }
  const std::string& RecordPath() const { return record_path_; }
  std::string Log() const;
  // Polls the output until it holds `needle`; fails after 15 s, showing the output.
  ::testing::AssertionResult WaitForLog(const std::string& needle) const;

  // SIGTERM, then the exit code (-1 when it had to be killed after `grace`).
  int Terminate(std::chrono::seconds grace = std::chrono::seconds(10));

  // The control API.
  HttpResponse Get(const std::string& path) const;
  HttpResponse Post(const std::string& path, const Json& body = Json::object()) const;
  HttpResponse Patch(const std::string& path, const Json& body) const;
  // GET /stats (which flushes the record) as JSON; null on failure.
  Json Stats() const;
  // Polls GET /stats until counter `name` reaches `value`; fails after 15 s, showing the
  // last stats.
  ::testing::AssertionResult WaitForStat(const std::string& name, uint64_t value) const;
  // The record's lines as JSON; flushes the record first (GET /stats).
  std::vector<Json> RecordLines() const;

 private:
  void WaitForListeners(bool http);
  void Drain(int fd);

  TempDir dir_;
  std::string record_path_;
  int pid_ = -1;
  uint16_t smpp_port_ = 0;
  uint16_t control_port_ = 0;
  uint16_t http_port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  bool closed_ = false;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace deliverer::integration
