#include "webhooks/http_post.h"

#include <boost/asio/this_coro.hpp>

#include "httpc/connection.h"

namespace deliverer::webhooks {

namespace asio = boost::asio;

asio::awaitable<PostOutcome> Post(const PostRequest& request, asio::ssl::context& tls,
                                  bool allow_private, std::chrono::seconds timeout) {
  const auto url = httpc::ParseUrl(request.url);
  if (!url) co_return PostOutcome{0, "invalid_url"};
  httpc::ConnectionOptions options;
  options.url = *url;
  options.tls = &tls;
  options.allow_private = allow_private;
  options.timeout = timeout;
  httpc::Connection connection(co_await asio::this_coro::executor, std::move(options));
  auto req = httpc::MakePost(*url, request.body, "application/json");
  req.set("Deliverer-Signature", request.signature);
  req.set("Deliverer-Event-Id", request.event_id);
  req.set(boost::beast::http::field::user_agent, "Deliverer-Webhooks/1");
  req.keep_alive(false);
  httpc::Outcome outcome = co_await connection.Exchange(std::move(req));
  co_return PostOutcome{outcome.status, std::move(outcome.error)};
}

}  // namespace deliverer::webhooks
