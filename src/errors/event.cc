#include "errors/event.h"

#include <csignal>
#include <nlohmann/json.hpp>

#include "common/mask.h"
#include "common/time_format.h"

namespace deliverer::errors {
namespace {

constexpr size_t kMinMaskedDigits = 6;
constexpr size_t kMaxTagBytes = 64;
constexpr std::string_view kEllipsis = "\u2026";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// 'text' and "text" become '…' and "…". An apostrophe inside a word ("can't") opens
// nothing; a quote left open hides the rest of the message.
std::string BlankQuoted(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool opens = c == '"' || (c == '\'' && (i == 0 || !IsAlnum(text[i - 1])));
    if (!opens) {
      out += c;
      continue;
    }
    out += c;
    out += kEllipsis;
    const size_t close = text.find(c, i + 1);
    if (close == std::string_view::npos) break;
    out += c;
    i = close;
  }
  return out;
}

// Runs of kMinMaskedDigits or more digits that MaskText left (no '+', or too long) go
// through MaskNumber.
std::string MaskDigitRuns(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsDigit(text[end])) ++end;
    const std::string_view run = text.substr(i, end - i);
    out += run.size() >= kMinMaskedDigits ? MaskNumber(run) : std::string(run);
    i = end;
  }
  return out;
}

// At most `limit` bytes, never ending inside a UTF-8 sequence.
std::string Cut(std::string text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + std::string(kEllipsis);
}

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json Mechanism(const Event& event) {
  if (event.signal == 0) return {{"type", "generic"}, {"handled", false}};
  return {{"type", "signalhandler"},
          {"handled", false},
          {"meta", {{"signal", {{"number", event.signal}, {"name", SignalName(event.signal)}}}}}};
}

nlohmann::json EventJson(const Event& event, std::string_view event_id, std::string_view environment) {
  nlohmann::json tags = {{"component", event.component}};
  if (!event.correlation_id.empty()) tags["correlation_id"] = event.correlation_id;
  nlohmann::json json = {
      {"event_id", event_id},
      {"timestamp", FormatRfc3339(event.unix_millis)},
      {"platform", "native"},
      {"level", event.level == Level::kFatal ? "fatal" : "error"},
      {"logger", "deliverer"},
      {"release", event.release},
      {"tags", std::move(tags)},
      {"exception",
       {{"values", nlohmann::json::array({{{"type", event.type},
                                           {"value", event.message},
                                           {"mechanism", Mechanism(event)}}})}}},
  };
  if (!environment.empty()) json["environment"] = environment;
  return json;
}

}  // namespace

std::string Scrub(std::string_view message) {
  return Cut(MaskDigitRuns(MaskText(BlankQuoted(message))), kMaxMessageBytes);
}

std::string TagValue(std::string_view text) {
  if (text.size() > kMaxTagBytes) return "";
  for (char c : text) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.' && c != '@') return "";
  }
  return std::string(text);
}

std::string Envelope(const Event& event, std::string_view event_id, std::string_view environment,
                     int64_t sent_at_millis) {
  const std::string payload = Dump(EventJson(event, event_id, environment));
  const nlohmann::json header = {{"event_id", event_id}, {"sent_at", FormatRfc3339(sent_at_millis)}};
  const nlohmann::json item = {{"type", "event"}, {"length", payload.size()}};
  return Dump(header) + "\n" + Dump(item) + "\n" + payload + "\n";
}

std::string SignalName(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "signal " + std::to_string(signal);
  }
}

}  // namespace deliverer::errors
