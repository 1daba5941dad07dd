#include "redis/client.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>
#include <memory>

#include "common/url_encoding.h"

namespace deliverer::redis {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// One command, binary-safe; null when it could not be sent or answered.
ReplyPtr SendArgv(redisContext* context, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  return ReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(args.size()), args.data(), lengths.data())));
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

bool ParseInt(std::string_view text, int& out, int min, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) return false;
  out = value;
  return true;
}

Error Unavailable(const Endpoint& e, std::string_view why) {
  return Error::Of("redis_unavailable", fmt::format("redis {}:{}: {}", e.host, e.port, why));
}

}  // namespace

Result<Endpoint> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  const auto bad = [](std::string_view why) { return Error::Of("invalid_config", fmt::format("redis url: {}", why)); };
  if (!url.starts_with(kScheme)) return bad("must start with redis:// (TLS is not supported)");
  std::string_view rest = url.substr(kScheme.size());
  Endpoint e;
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = userinfo.find(':');
    auto password = PercentDecode(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
    if (!password) return bad("the password is not percent-encoded correctly");
    e.password = std::move(*password);
  }
  std::string_view hostport = rest;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !ParseInt(db, e.database, 0, 1'000'000)) return bad("the database must be a number");
  }
  const size_t colon = hostport.rfind(':');
  const std::string_view host = colon == std::string_view::npos ? hostport : hostport.substr(0, colon);
  if (host.empty()) return bad("no host");
  e.host = std::string(host);
  if (colon != std::string_view::npos && !ParseInt(hostport.substr(colon + 1), e.port, 1, 65535)) {
    return bad("the port must be 1-65535");
  }
  return e;
}

Client::Client(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

Client::~Client() { Drop(); }

void Client::Drop() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
  sha_of_.clear();
}

Status Client::Connect() {
  const timeval tv = ToTimeval(timeout_);
  context_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  if (context_ == nullptr) return Unavailable(endpoint_, "cannot allocate a connection");
  if (context_->err != 0) return Lost();
  if (redisSetTimeout(context_, tv) != REDIS_OK) {
    Drop();
    return Unavailable(endpoint_, "cannot set the timeout");
  }
  std::vector<std::vector<std::string>> setup;
  if (!endpoint_.password.empty()) setup.push_back({"AUTH", endpoint_.password});
  if (endpoint_.database != 0) setup.push_back({"SELECT", std::to_string(endpoint_.database)});
  for (const auto& argv : setup) {
    ReplyPtr reply = SendArgv(context_, argv);
    if (!reply) return Lost();
    if (reply->type == REDIS_REPLY_ERROR) {
      // The server's words for AUTH or SELECT ("WRONGPASS …") hold no password.
      Error e = Error::Of("redis_error", fmt::format("redis {}:{}: {} refused: {}", endpoint_.host, endpoint_.port,
                                                     argv[0], std::string(reply->str, reply->len)));
      Drop();
      return e;
    }
  }
  return Status::Ok();
}

Status Client::Ready() { return context_ != nullptr ? Status::Ok() : Connect(); }

// A timeout or a broken connection: hiredis cannot use this context again.
Error Client::Lost() {
  Error e = Unavailable(endpoint_, context_->errstr);
  Drop();
  return e;
}

Result<std::vector<int64_t>> Client::Command(const std::vector<std::string>& argv) {
  if (Status s = Ready(); !s.ok()) return s.error();
  ReplyPtr reply = SendArgv(context_, argv);
  if (!reply) return Lost();
  std::vector<int64_t> values;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      values.push_back(reply->integer);
      return values;
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < reply->elements; ++i) {
        if (reply->element[i]->type != REDIS_REPLY_INTEGER) {
          return Error::Of("redis_error", "redis: a script answered something other than integers");
        }
        values.push_back(reply->element[i]->integer);
      }
      return values;
    case REDIS_REPLY_ERROR:
      return Error::Of("redis_error", std::string(reply->str, reply->len));
    default:
      return Error::Of("redis_error", "redis: a script answered something other than integers");
  }
}

Result<std::string> Client::LoadScript(const std::string& script) {
  if (Status s = Ready(); !s.ok()) return s.error();
  ReplyPtr reply = SendArgv(context_, {"SCRIPT", "LOAD", script});
  if (!reply) return Lost();
  if (reply->type != REDIS_REPLY_STRING) return Error::Of("redis_error", "redis: SCRIPT LOAD failed");
  std::string sha(reply->str, reply->len);
  sha_of_[script] = sha;
  return sha;
}

Result<std::vector<int64_t>> Client::Eval(const std::string& script, const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args) {
  // Twice at most: a server restarted since the script was loaded answers NOSCRIPT.
  for (int attempt = 0;; ++attempt) {
    auto known = sha_of_.find(script);
    std::string sha;
    if (known != sha_of_.end() && context_ != nullptr) {
      sha = known->second;
    } else {
      auto loaded = LoadScript(script);
      if (!loaded.ok()) return loaded.take_error();
      sha = std::move(*loaded);
    }
    std::vector<std::string> argv = {"EVALSHA", sha, std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = Command(argv);
    if (!result.ok() && attempt == 0 && result.error().detail.starts_with("NOSCRIPT")) {
      sha_of_.erase(script);
      continue;
    }
    return result;
  }
}

}  // namespace deliverer::redis
