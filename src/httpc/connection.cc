#include "httpc/connection.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <sodium.h>

#include <optional>
#include <vector>

#include "common/ids.h"
#include "httpc/response.h"
#include "validation/ssrf.h"

namespace deliverer::httpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// Shared with a running exchange, so that Close() can drop the connection while an
// exchange still holds the streams it is waiting on.
struct Connection::Streams {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

namespace {

std::string Base64(std::string_view bytes) {
  EnsureCryptoReady();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Host (with the port only when it is not the scheme's), User-Agent, Basic authentication
// from the URL's user info; keep-alive on.
Request MakeRequest(http::verb verb, const validation::Url& url) {
  Request req{verb, url.target, 11};
  const bool default_port = url.port == (url.tls ? "443" : "80");
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  if (!default_port) host += ":" + url.port;
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "Deliverer/1");
  if (!url.credentials.empty()) req.set(http::field::authorization, "Basic " + Base64(url.credentials));
  req.keep_alive(true);
  return req;
}

}  // namespace

Request MakePost(const validation::Url& url, std::string body, std::string_view content_type) {
  Request req = MakeRequest(http::verb::post, url);
  req.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

Request MakeGet(const validation::Url& url) {
  Request req = MakeRequest(http::verb::get, url);
  req.prepare_payload();
  return req;
}

namespace {

std::string Describe(std::string_view stage, const beast::error_code& ec) {
  if (ec == beast::error::timeout) return std::string(stage) + ": timeout";
  return std::string(stage) + ": " + ec.message();
}

template <class Stream>
asio::awaitable<void> Run(Stream& stream, beast::flat_buffer& buffer, Request& request,
                          size_t body_limit, Outcome& out, bool& keep_alive) {
  beast::error_code ec;
  const size_t sent =
      co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  out.written = sent > 0;
  if (ec) {
    out.error = Describe("write", ec);
    co_return;
  }
  ResponseRead read = co_await ReadResponse(stream, buffer, body_limit);
  out.status = read.status;
  out.body = std::move(read.body);
  out.error = std::move(read.error);
  keep_alive = read.keep_alive;
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, ConnectionOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {}

Connection::~Connection() { Close(); }

bool Connection::open() const { return streams_ != nullptr; }

void Connection::Close() {
  if (!streams_) return;
  beast::error_code ignored;
  streams_->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  streams_->lowest().close();
  streams_.reset();
}

asio::awaitable<std::string> Connection::Open() {
  const validation::Url& url = options_.url;
  if (!options_.allow_private && validation::IsLocalhostName(url.host)) co_return "forbidden_address";
  if (url.tls && options_.tls == nullptr) co_return "tls: no client context";
  beast::error_code ec;
  tcp::resolver resolver(executor_);
  auto resolved =
      co_await resolver.async_resolve(url.host, url.port, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return Describe("resolve", ec);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : resolved) {
    // Checked right before connecting: a name may resolve anywhere (DNS rebinding).
    if (!options_.allow_private && validation::IsForbiddenAddress(entry.endpoint().address())) {
      co_return "forbidden_address";
    }
    endpoints.push_back(entry.endpoint());
  }
  auto streams = std::make_shared<Streams>();
  beast::tcp_stream stream(executor_);
  stream.expires_after(options_.timeout);
  co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return Describe("connect", ec);
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (!url.tls) {
    streams->plain.emplace(std::move(stream));
  } else {
    auto& secure = streams->secure.emplace(std::move(stream), *options_.tls);
    SSL_set_tlsext_host_name(secure.native_handle(), url.host.c_str());
    if (options_.tls_verify) {
      secure.set_verify_mode(asio::ssl::verify_peer);
      secure.set_verify_callback(asio::ssl::host_name_verification(url.host));
    } else {
      secure.set_verify_mode(asio::ssl::verify_none);
    }
    co_await secure.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Describe("tls", ec);
  }
  streams_ = std::move(streams);
  co_return "";
}

asio::awaitable<std::string> Connection::Connect() {
  if (streams_) co_return "";
  std::string error = co_await Open();
  last_used_ = std::chrono::steady_clock::now();
  co_return error;
}

asio::awaitable<Outcome> Connection::Exchange(Request request) {
  Outcome out;
  const auto started = std::chrono::steady_clock::now();
  if (streams_ && started - last_used_ > options_.idle_close) Close();
  if (!streams_) {
    out.error = co_await Open();
    if (!out.error.empty()) co_return out;
  }
  std::shared_ptr<Streams> streams = streams_;
  streams->lowest().expires_after(options_.timeout);
  bool keep_alive = false;
  if (streams->secure) {
    co_await Run(*streams->secure, streams->buffer, request, options_.body_limit, out, keep_alive);
  } else {
    co_await Run(*streams->plain, streams->buffer, request, options_.body_limit, out, keep_alive);
  }
  last_used_ = std::chrono::steady_clock::now();
  if (streams_ == streams) {
    // Bytes past the answer were sent unasked: kept, they would be read as the answer to
    // the next request, one behind from then on.
    if (out.status == 0 || !keep_alive || streams->buffer.size() > 0) {
      Close();
    } else {
      streams->lowest().expires_never();
    }
  }
  co_return out;
}

}  // namespace deliverer::httpc
