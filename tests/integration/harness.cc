// Values, HTTP helpers and assertions of the integration harness (see harness.h). The
// process and CLI side lives in process.cc.
#include "integration/harness.h"

#include <cctype>
#include <cstdio>
#include <ostream>
#include <random>
#include <sstream>
#include <string_view>

namespace deliverer::integration {
namespace {

constexpr size_t kMaxBodyShown = 2000;

char Rotate(char c) {
  if (c >= '0' && c <= '9') return static_cast<char>('0' + (c - '0' + 1) % 10);
  if (c >= 'a' && c <= 'z') return static_cast<char>('a' + (c - 'a' + 1) % 26);
  if (c >= 'A' && c <= 'Z') return static_cast<char>('A' + (c - 'A' + 1) % 26);
  return c;
}

// `text` has `shape`'s length and, position by position, a decimal digit where the shape
// has 'd', a lower-case hex digit where it has 'x', and the same character elsewhere.
// (No std::regex: with sanitizers g++ 12 warns falsely inside it, and warnings are errors.)
bool MatchesShape(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    char c = text[i];
    bool digit = c >= '0' && c <= '9';
    bool ok = shape[i] == 'd'   ? digit
              : shape[i] == 'x' ? digit || (c >= 'a' && c <= 'f')
                                : c == shape[i];
    if (!ok) return false;
  }
  return true;
}

bool Unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (Unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// HttpResponse

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

bool HttpResponse::HasHeader(const std::string& name) const {
  return headers.find(name) != headers.end();
}

std::string HttpResponse::Code() const { return StringField(json, "code"); }
std::string HttpResponse::Field() const { return StringField(json, "field"); }

std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
  if (r.status == 0) return os << "no HTTP answer (" << r.transport_error << ")";
  os << "HTTP " << r.status << "\n";
  for (const auto& [name, value] : r.headers) os << name << ": " << value << "\n";
  os << "\n" << r.body.substr(0, kMaxBodyShown);
  if (r.body.size() > kMaxBodyShown) os << "… (" << r.body.size() << " bytes)";
  return os;
}

HttpResponse ToResponse(const httplib::Result& result) {
  HttpResponse r;
  if (!result) {
    r.transport_error = httplib::to_string(result.error());
    return r;
  }
  r.status = result->status;
  r.headers = result->headers;
  r.body = result->body;
  r.json = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (r.json.is_discarded()) r.json = nullptr;
  return r;
}

httplib::Headers Bearer(const std::string& key) {
  if (key.empty()) return {};
  return {{"Authorization", "Bearer " + key}};
}

// ---------------------------------------------------------------------------------------
// Assertions

::testing::AssertionResult HasStatus(const HttpResponse& r, int status) {
  if (r.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << r;
}

::testing::AssertionResult IsProblem(const HttpResponse& r, int status, const std::string& code,
                                     const std::string& field) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure()
           << "expected problem " << status << " " << code
           << (field.empty() ? "" : " field=" + field) << ": " << why << "\ngot " << r;
  };
  if (r.status != status) return fail("wrong HTTP status");
  if (r.Header("Content-Type").rfind("application/problem+json", 0) != 0) {
    return fail("Content-Type is not application/problem+json");
  }
  if (!r.json.is_object()) return fail("body is not a JSON object");
  if (r.json.value("status", 0) != status) return fail("body `status` differs");
  if (r.Code() != code) return fail("wrong `code`");
  if (StringField(r.json, "title").empty()) return fail("no `title`");
  if (!field.empty() && r.Field() != field) return fail("wrong `field`");
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------
// Values

std::string StringField(const Json& json, const std::string& name) {
  if (!json.is_object()) return "";
  auto it = json.find(name);
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

Json Message(const std::string& to, const std::string& body) {
  return {{"from", kFrom}, {"to", to}, {"body", body}};
}

::testing::AssertionResult AllOneMessage(const std::vector<HttpResponse>& answers, const std::string& id,
                                         int& accepted, int& replayed) {
  accepted = replayed = 0;
  std::string created_at;
  std::ostringstream wrong;
  for (const HttpResponse& r : answers) {
    if (r.status != 202 && r.status != 200) {
      wrong << "\nunexpected answer: " << r;
      continue;
    }
    (r.status == 202 ? accepted : replayed)++;
    if (r.status == 200 && r.Header("Idempotent-Replayed") != "true") wrong << "\nno Idempotent-Replayed: " << r;
    if (StringField(r.json, "message_id") != id) wrong << "\nanother message: " << r;
    if (created_at.empty()) created_at = StringField(r.json, "created_at");
    if (StringField(r.json, "created_at") != created_at) wrong << "\nanother created_at: " << r;
  }
  if (wrong.str().empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << wrong.str();
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return text;
}

std::string Repeat(const std::string& unit, size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += out.empty() ? "?" : "&";
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

bool IsRfc3339Millis(const std::string& text) {
  return MatchesShape(text, "dddd-dd-ddTdd:dd:dd.dddZ");
}

SysMillis ParseRfc3339Millis(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &s, &ms);
  using namespace std::chrono;
  sys_days day = year{y} / month{static_cast<unsigned>(mo)} / static_cast<unsigned>(d);
  return SysMillis(day) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
}

std::string FormatRfc3339Millis(SysMillis t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> tod{t - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return text;
}

bool IsUuid(const std::string& text, int version) {
  if (!MatchesShape(text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")) return false;
  if (std::string_view("89ab").find(text[19]) == std::string_view::npos) return false;  // variant
  return version == 0 || text[14] == static_cast<char>('0' + version);
}

std::string KeyId(const std::string& key) {
  auto underscore = key.rfind('_');
  return underscore == std::string::npos ? "" : key.substr(0, underscore);
}

std::string KeySecret(const std::string& key) {
  auto underscore = key.rfind('_');
  return underscore == std::string::npos ? key : key.substr(underscore + 1);
}

std::string WithWrongSecret(const std::string& key) {
  std::string secret = KeySecret(key);
  for (char& c : secret) c = Rotate(c);
  return KeyId(key) + "_" + secret;
}

bool WaitFor(const std::function<bool()>& condition, Millis timeout, Millis interval) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
  }
}

// ---------------------------------------------------------------------------------------
// DelivererProcess: HTTP

std::unique_ptr<httplib::Client> DelivererProcess::NewClient() const {
  std::unique_ptr<httplib::Client> client;
  if (https_ca_file_.empty()) {
    client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  } else {
    client = std::make_unique<httplib::Client>("https://127.0.0.1:" + std::to_string(port_),
                                               client_certificate_file_, client_key_file_);
    client->set_ca_cert_path(https_ca_file_.c_str());
    client->enable_server_certificate_verification(true);
  }
  client->set_url_encode(false);  // paths and queries are sent as the tests spell them
  client->set_tcp_nodelay(true);  // headers and body go out in separate writes
  client->set_connection_timeout(5);
  client->set_read_timeout(30);
  client->set_write_timeout(30);
  return client;
}

void DelivererProcess::UseHttps(std::string ca_file, std::string client_certificate_file,
                                std::string client_key_file) {
  https_ca_file_ = std::move(ca_file);
  client_certificate_file_ = std::move(client_certificate_file);
  client_key_file_ = std::move(client_key_file);
}

namespace {

// Enough to cover every test's distinct values; a 20,000-message run would make the
// scan quadratic for no gain.
constexpr size_t kMaxSensitive = 2000;

void CollectSensitive(const Json& json, std::set<std::string>& out) {
  if (json.is_array()) {
    for (const Json& item : json) CollectSensitive(item, out);
    return;
  }
  if (!json.is_object()) return;
  for (const auto& [key, value] : json.items()) {
    if (!value.is_string()) {
      CollectSensitive(value, out);
      continue;
    }
    const std::string text = value.get<std::string>();
    if (key == "to" || key == "from" || key == "number") {
      std::string digits;
      for (char c : text) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (digits.size() >= 8) out.insert(digits);  // also catches "+44…" and "0044…"
    } else if ((key == "body" || key == "text") && text.size() >= 12) {
      out.insert(text);
    }
  }
}

// E.164 numbers in a path ("/v1/suppressions/+4420…" or "%2B4420…"), digits only.
void CollectPathNumbers(std::string_view path, std::set<std::string>& out) {
  for (size_t at = 0; (at = path.find_first_of("+%", at)) != std::string_view::npos;) {
    size_t digits_from = at + (path.substr(at).starts_with("%2B") ? 3 : 1);
    size_t end = digits_from;
    while (end < path.size() && path[end] >= '0' && path[end] <= '9') ++end;
    if (end - digits_from >= 8) out.insert(std::string(path.substr(digits_from, end - digits_from)));
    at = std::max(end, at + 1);
  }
}

}  // namespace

void DelivererProcess::NoteSensitive(const std::string& body, const httplib::Headers& headers,
                                     const std::string& path) const {
  std::lock_guard lock(sensitive_mutex_);
  if (sensitive_.size() >= kMaxSensitive) return;
  CollectPathNumbers(path, sensitive_);
  for (const auto& [name, value] : headers) {
    if (name == "Authorization" && value.starts_with("Bearer ") && value.size() > 20) sensitive_.insert(value.substr(7));
  }
  if (body.empty()) return;
  const Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) CollectSensitive(json, sensitive_);
}

void DelivererProcess::CheckLogHoldsNoSensitiveData() const {
  const std::string log = Log();
  std::lock_guard lock(sensitive_mutex_);
  for (const std::string& value : sensitive_) {
    if (log.find(value) != std::string::npos) {
      ADD_FAILURE() << "S8: the log holds a full number, body or key secret: " << value;
    }
  }
}

HttpResponse DelivererProcess::Send(const std::string& method, const std::string& path,
                                    const httplib::Headers& headers, const std::string& body,
                                    const std::string& content_type) const {
  NoteSensitive(body, headers, path);
  auto client = NewClient();
  if (method == "GET") return ToResponse(client->Get(path, headers));
  if (method == "POST") return ToResponse(client->Post(path, headers, body, content_type));
  if (method == "PUT") return ToResponse(client->Put(path, headers, body, content_type));
  if (method == "DELETE") return ToResponse(client->Delete(path, headers));
  throw std::invalid_argument("unsupported method " + method);
}

HttpResponse DelivererProcess::Post(const std::string& path, const Json& body,
                                    const std::string& key) const {
  return PostRaw(path, body.dump(), key);
}

HttpResponse DelivererProcess::PostRaw(const std::string& path, const std::string& body,
                                       const std::string& key,
                                       const std::string& content_type) const {
  return Send("POST", path, Bearer(key), body, content_type);
}

HttpResponse DelivererProcess::Get(const std::string& path, const std::string& key) const {
  return Send("GET", path, Bearer(key));
}

HttpResponse DelivererProcess::Put(const std::string& path, const Json& body,
                                   const std::string& key) const {
  return Send("PUT", path, Bearer(key), body.dump(), "application/json");
}

HttpResponse DelivererProcess::Delete(const std::string& path, const std::string& key) const {
  return Send("DELETE", path, Bearer(key));
}

}  // namespace deliverer::integration
