#pragma once
// Fatal signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) kept for the next start, since a
// process in that state cannot be trusted to send anything: a signal handler may make only
// async-signal-safe calls (no allocation, no lock, so no TLS and no HTTP client).
//
// InstallCrashHandler prepares everything at start-up (the record's path, the release);
// the handler then writes a few lines with open/write/close only, and raises the signal
// again with its default action, so the process still ends as it did before (a core
// dump, the exit status systemd sees and restarts on). At the next start the Reporter
// (errors/reporter.h) sends each record as a fatal event and deletes it once the receiver
// has accepted it. SIGTERM, SIGINT and SIGHUP are left to serve.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deliverer::errors {

struct CrashRecord {
  int signal = 0;
  int64_t unix_millis = 0;  // when it came
  std::string thread;       // the name of the thread it came on ("delivery", "writer" …)
  std::string release;      // the release that crashed
};

// Installs the handler for the five signals, each record going to
// `directory`/crash-<start_millis>-<pid>.record. Call once, at start-up. A crash on the
// installing thread is recorded even when it ran out of stack.
void InstallCrashHandler(const std::string& directory, std::string_view release, int64_t start_millis);

// A record's content; nullopt when it is not one (a record cut short, another file).
std::optional<CrashRecord> ParseCrashRecord(std::string_view text);

// The records in `directory`, oldest first; none when it cannot be read.
std::vector<std::string> ListCrashRecords(const std::string& directory);

}  // namespace deliverer::errors
