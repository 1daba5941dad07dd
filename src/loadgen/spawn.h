#pragma once
// `deliverer bench --spawn`: a self-contained gateway for one run. In a fresh temporary
// directory it starts `deliverer sim` (free ports, read back from its `smpp on HOST:PORT`
// log line), writes a configuration pointing at it (spawn_config.h), creates an API key
// with `deliverer keys create`, and starts `deliverer serve` (its address read from
// `listening on http://HOST:PORT`). The children's output goes to sim.log and serve.log
// in that directory, never to the bench's own output.
//
// The children die with the bench (PR_SET_PDEATHSIG) if it is killed, and sit in their
// own process groups, so a terminal's Ctrl-C reaches the bench only. Start and Stop
// block (Start: up to 30 s per process); call them from the thread that will outlive the
// children (the main thread), not from the I/O thread while it serves traffic.
// Not thread-safe.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"
#include "loadgen/settings.h"

namespace deliverer::loadgen {

struct SpawnedGateway {
  Target target;      // where producers' requests go
  Target delivering;  // the delivering process: target itself, unless a --role api one was spawned
  std::string api_key;
  std::string webhook_secret;
  pid_t serve_pid = -1;
  pid_t sim_pid = -1;
  pid_t api_pid = -1;  // --role api, when spawned
};

class Spawner {
 public:
  // `binary`: the deliverer executable to run (the bench's own, /proc/self/exe);
  // `sim_latency`: how long the simulator takes to answer each submit (none: at once);
  // `backends`: what the spawned gateway runs on (by default SQLite in the folder);
  // `api_process` (PostgreSQL only): a `serve --role api` beside serve, on the same store,
  // to send to.
  Spawner(std::string binary, std::optional<SimLatency> sim_latency, SpawnBackends backends = {},
          bool api_process = false);
  ~Spawner();  // Stop(false)
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  Result<SpawnedGateway> Start();
  // SIGTERM to serve, then to sim, each given `grace` before SIGKILL. The directory is
  // removed unless `keep_dir` (kept to read the logs after a failure, or the store), and
  // once kept it stays.
  void Stop(bool keep_dir, std::chrono::seconds grace = std::chrono::seconds(20));
  // SIGTERM to serve alone (and the --role api process first), then SIGKILL after `grace`:
  // the store's files are final after it.
  void StopServe(std::chrono::seconds grace = std::chrono::seconds(20));
  // The size of every file under the store's folder (database, its log, the key ring).
  uint64_t StoreBytes() const;
  const std::string& dir() const { return dir_; }
  // The end of a child's log ("serve.log", "sim.log"), for error messages.
  std::string LogTail(const std::string& name, size_t bytes = 4000) const;

 private:
  Result<Target> StartSim();
  Result<std::string> CreateKey(const std::string& config_path);
  // `role` "" for the default; its log is <log_name>.log.
  Result<Target> StartServe(const std::string& config_path, const std::string& role, pid_t& pid);
  Result<Target> WaitForAddress(pid_t pid, const std::string& log_name, std::string_view marker);

  std::string binary_;
  std::optional<SimLatency> sim_latency_;
  SpawnBackends backends_;
  bool api_process_ = false;
  std::string dir_;
  bool kept_ = false;
  pid_t sim_pid_ = -1;
  pid_t serve_pid_ = -1;
  pid_t api_pid_ = -1;
};

}  // namespace deliverer::loadgen
