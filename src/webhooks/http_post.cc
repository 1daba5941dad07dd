#include "webhooks/http_post.h"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace deliverer::webhooks {

namespace asio = boost::asio;

Poster::Poster(asio::ssl::context& tls, bool allow_private, std::chrono::seconds timeout)
    : tls_(tls), allow_private_(allow_private), timeout_(timeout) {}

std::unique_ptr<httpc::Connection> Poster::Take(const std::string& origin, const validation::Url& url,
                                                const asio::any_io_executor& executor) {
  if (auto it = idle_.find(origin); it != idle_.end()) {
    std::unique_ptr<httpc::Connection> kept = std::move(it->second.back().connection);
    it->second.pop_back();
    if (it->second.empty()) idle_.erase(it);
    --idle_total_;
    return kept;
  }
  httpc::ConnectionOptions options;
  options.url = url;
  options.tls = &tls_;
  options.allow_private = allow_private_;
  options.timeout = timeout_;
  options.idle_close = kIdleClose;
  return std::make_unique<httpc::Connection>(executor, std::move(options));
}

asio::awaitable<PostOutcome> Poster::Post(const PostRequest& request) {
  const auto url = validation::ParseUrl(request.url);
  if (!url) co_return PostOutcome{0, "invalid_url"};
  const std::string origin = (url->tls ? "https://" : "http://") + url->host + ":" + url->port;
  const auto executor = co_await asio::this_coro::executor;
  std::unique_ptr<httpc::Connection> connection = Take(origin, *url, executor);
  httpc::Outcome outcome;
  // A kept connection the receiver has just closed fails without an answer: that one
  // attempt goes again at once on a new connection. Receivers drop duplicates by
  // event_id, so a POST that did arrive after all costs nothing.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection->open();
    auto req = httpc::MakePost(*url, request.body, "application/json");
    req.set("Deliverer-Signature", request.signature);
    req.set("Deliverer-Event-Id", request.event_id);
    req.set(boost::beast::http::field::user_agent, "Deliverer-Webhooks/1");
    outcome = co_await connection->Exchange(std::move(req));
    if (outcome.status != 0 || !reused) break;
  }
  if (connection->open() && idle_total_ < kIdleTotal) {
    auto& idle = idle_[origin];
    if (idle.size() < kIdlePerOrigin) {
      idle.push_back(Kept{std::move(connection), std::chrono::steady_clock::now()});
      ++idle_total_;
    }
  }
  co_return PostOutcome{outcome.status, std::move(outcome.error)};
}

void Poster::CloseIdle(std::chrono::steady_clock::time_point now) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& kept = it->second;
    const auto fresh = std::find_if(kept.begin(), kept.end(),
                                    [&](const Kept& k) { return now - k.since <= kIdleClose; });
    idle_total_ -= static_cast<size_t>(fresh - kept.begin());
    kept.erase(kept.begin(), fresh);
    it = kept.empty() ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace deliverer::webhooks
