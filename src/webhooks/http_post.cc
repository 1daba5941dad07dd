#include "webhooks/http_post.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "validation/ssrf.h"

namespace deliverer::webhooks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::optional<Url> ParseUrl(std::string_view url) {
  Url out;
  if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const size_t slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (!out.target.empty() && out.target[0] != '/') out.target = "/" + out.target;
  if (const size_t hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials in URLs
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (authority.starts_with(":")) out.port = std::string(authority.substr(1));
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty()) return std::nullopt;
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  return out;
}

namespace {

http::request<http::string_body> MakeRequest(const Url& url, const PostRequest& request) {
  http::request<http::string_body> req{http::verb::post, url.target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::user_agent, "Deliverer-Webhooks/1");
  req.set(http::field::content_type, "application/json");
  req.set("Deliverer-Signature", request.signature);
  req.set("Deliverer-Event-Id", request.event_id);
  req.keep_alive(false);
  req.body() = request.body;
  req.prepare_payload();
  return req;
}

template <class Stream>
asio::awaitable<PostOutcome> Exchange(Stream& stream, http::request<http::string_body>& req) {
  beast::error_code ec;
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{0, ec.message()};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{0, ec.message()};
  co_return PostOutcome{static_cast<int>(parser.get().result_int()), ""};
}

}  // namespace

asio::awaitable<PostOutcome> Post(const PostRequest& request, asio::ssl::context& tls,
                                  bool allow_private, std::chrono::seconds timeout) {
  const auto url = ParseUrl(request.url);
  if (!url) co_return PostOutcome{0, "invalid_url"};
  if (!allow_private && validation::IsLocalhostName(url->host)) co_return PostOutcome{0, "forbidden_address"};
  auto executor = co_await asio::this_coro::executor;
  beast::error_code ec;
  tcp::resolver resolver(executor);
  auto resolved = co_await resolver.async_resolve(url->host, url->port,
                                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{0, "resolve: " + ec.message()};
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : resolved) {
    // Checked right before connecting: a name may resolve anywhere (DNS rebinding).
    if (!allow_private && validation::IsForbiddenAddress(entry.endpoint().address())) {
      co_return PostOutcome{0, "forbidden_address"};
    }
    endpoints.push_back(entry.endpoint());
  }
  auto req = MakeRequest(*url, request);
  beast::tcp_stream tcp_stream(executor);
  tcp_stream.expires_after(timeout);
  co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{0, "connect: " + ec.message()};
  if (!url->tls) co_return co_await Exchange(tcp_stream, req);

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls);
  SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{0, "tls: " + ec.message()};
  co_return co_await Exchange(stream, req);
}

}  // namespace deliverer::webhooks
