#include "sim/http_poster.h"
#include "common/unhandled.h"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>

namespace deliverer::sim {

namespace asio = boost::asio;

HttpPoster::HttpPoster(asio::io_context& io) : io_(io), tls_(asio::ssl::context::tls_client) {
  boost::system::error_code ignored;  // without system CAs only http:// URLs work
  tls_.set_default_verify_paths(ignored);
}

HttpPoster::~HttpPoster() { Close(); }

void HttpPoster::Configure(const std::string& url, std::string token, size_t connections) {
  token_ = std::move(token);
  std::optional<validation::Url> parsed = url.empty() ? std::nullopt : validation::ParseUrl(url);
  connections = std::max<size_t>(connections, 1);
  if (parsed == url_ && connections == connections_) return;
  url_ = std::move(parsed);
  connections_ = connections;
  Retire();
  Wake();
}

void HttpPoster::Start(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

bool HttpPoster::Post(std::string body, Done done) {
  if (closed_ || !url_) return false;
  queue_.push_back(Job{std::move(body), std::move(done)});
  Wake();
  return true;
}

asio::awaitable<httpc::Outcome> HttpPoster::PostNow(std::string body) {
  if (closed_ || !url_) co_return httpc::Outcome{0, "", false, "no_url"};
  httpc::Connection connection(io_.get_executor(), Options());
  one_offs_.insert(&connection);
  httpc::Outcome outcome = co_await connection.Exchange(MakeRequest(std::move(body)));
  one_offs_.erase(&connection);
  co_return outcome;
}

void HttpPoster::Close() {
  closed_ = true;
  queue_.clear();
  Retire();
  for (httpc::Connection* connection : one_offs_) connection->Close();
}

// Workers take the queue's jobs one at a time on idle slots; a worker ends when the queue
// is empty, so an idle poster holds no pending operation and the io_context can run out.
void HttpPoster::Wake() {
  if (closed_ || !url_ || queue_.empty()) return;
  std::shared_ptr<void> owner = owner_.lock();
  if (!owner) return;
  for (size_t i = 0; i < connections_ && !queue_.empty(); ++i) {
    if (i == slots_.size()) {
      auto slot = std::make_shared<Slot>();
      slot->connection = std::make_unique<httpc::Connection>(io_.get_executor(), Options());
      slots_.push_back(std::move(slot));
    }
    std::shared_ptr<Slot> slot = slots_[i];
    if (slot->busy) continue;
    slot->busy = true;
    asio::co_spawn(io_, Work(slot, owner), LogUnhandled("sim"));
  }
}

// Idle connections close now; busy ones when their exchange ends (or at once, on Close).
void HttpPoster::Retire() {
  for (const std::shared_ptr<Slot>& slot : slots_) {
    slot->retired = true;
    if (!slot->busy || closed_) slot->connection->Close();
  }
  slots_.clear();
}

asio::awaitable<void> HttpPoster::Work(std::shared_ptr<Slot> slot, std::shared_ptr<void> owner) {
  while (!closed_ && !slot->retired && !queue_.empty()) {
    Job job = std::move(queue_.front());
    queue_.pop_front();
    httpc::Request request = MakeRequest(std::move(job.body));
    const httpc::Outcome outcome = co_await slot->connection->Exchange(std::move(request));
    if (closed_) break;
    job.done(outcome);
  }
  slot->busy = false;
  if (slot->retired) {
    slot->connection->Close();
    Wake();  // jobs left behind go to the current slots
  }
  (void)owner;
}

httpc::Request HttpPoster::MakeRequest(std::string body) const {
  httpc::Request request = httpc::MakePost(*url_, std::move(body), "application/json");
  if (!token_.empty()) request.set("X-Carrier-Token", token_);
  return request;
}

httpc::ConnectionOptions HttpPoster::Options() {
  httpc::ConnectionOptions options;
  options.url = *url_;
  options.tls = &tls_;
  options.allow_private = true;  // the gateway under test listens on loopback
  options.timeout = kTimeout;
  return options;
}

}  // namespace deliverer::sim
