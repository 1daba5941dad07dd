#pragma once
// Small pure helpers for the API's handlers: path matching, query strings, cursors,
// content types, and awaiting a store callback from a coroutine.
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.h"
#include "common/url_encoding.h"

namespace deliverer::api {

// "/v1/messages/abc" matches prefix "/v1/messages/" with a param "abc" (one non-empty
// segment, percent-decoded); "{}" in the prefix marks a param with more path after it
// ("/v1/admin/canaries/{}/resume"); without a param the path must equal the prefix.
bool MatchPath(std::string_view path, std::string_view prefix, bool has_param,
               std::string* param);

using QueryParams = UrlPairs;
// A query string (or, with `plus_is_space`, a form body). Fails with invalid_field for a
// malformed escape or a repeated parameter.
Result<QueryParams> ParseQuery(std::string_view query, bool plus_is_space = false);

// True for application/json with optional parameters (charset=utf-8).
bool IsJsonContentType(std::string_view content_type);

// Opaque cursors: URL-safe base64 of the position they continue after.
std::string EncodeCursor(std::string_view position);
std::optional<std::string> DecodeCursor(std::string_view cursor);

// Awaits a callback-style asynchronous call from a coroutine. `start` receives a
// callback taking a T; the coroutine resumes on its own executor with that value, even
// when the callback runs on another thread (the store's writer).
template <class T, class Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  auto executor = co_await boost::asio::this_coro::executor;
  co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(T)>(
      [executor, start = std::move(start)](auto handler) mutable {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start([executor, shared](T value) {
          boost::asio::post(executor, [shared, value = std::move(value)]() mutable {
            (*shared)(std::move(value));
          });
        });
      },
      boost::asio::use_awaitable);
}

}  // namespace deliverer::api
