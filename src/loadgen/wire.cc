#include "loadgen/wire.h"

#include <charconv>

namespace deliverer::loadgen {

std::string RequestHead(std::string_view target, std::string_view host, std::string_view api_key) {
  std::string head;
  head.append("POST ").append(target).append(" HTTP/1.1\r\n");
  head.append("Host: ").append(host).append("\r\n");
  head.append("Authorization: Bearer ").append(api_key).append("\r\n");
  head.append("Content-Type: application/json\r\n");
  head.append("User-Agent: deliverer-bench\r\n");
  head.append("Content-Length: ");
  return head;
}

void WriteRequest(std::string_view head, std::string_view body, std::string& out) {
  out.assign(head);
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
  (void)ec;  // 20 digits hold any size_t
  out.append(digits, end);
  out.append("\r\n\r\n");
  out.append(body);
}

}  // namespace deliverer::loadgen
