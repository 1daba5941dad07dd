#pragma once
// The bytes of a request as the bench writes them. The head is the same for every
// request of a connection but for Content-Length, so it is formatted once and each
// request is one buffer, one write: cheaper than serialising a Beast message every time
// (the serialiser showed as the bench's largest user-space cost). Pure, thread-safe.
#include <string>
#include <string_view>

namespace deliverer::loadgen {

// "POST <target> HTTP/1.1\r\n" + Host, Authorization, Content-Type, User-Agent headers,
// ending with "Content-Length: " (the value follows per request).
std::string RequestHead(std::string_view target, std::string_view host, std::string_view api_key);
// Replaces `out` with head + body length + blank line + body.
void WriteRequest(std::string_view head, std::string_view body, std::string& out);

}  // namespace deliverer::loadgen
