// The keys of an http [[carriers]] table that say how its API is spoken
// (docs/configuration.md "[[carriers]]", HTTP carriers): body format, authentication header,
// field names, where the id and the error are in the answer, which statuses blame the
// message. Rejected on smpp carriers so a misplaced key is not silently ignored.
#include <fmt/format.h>

#include "config/sections.h"

namespace deliverer::config::internal {
namespace {

constexpr std::string_view kHttpOnlyKeys[] = {
    "format",   "auth_header",        "auth_scheme", "fields", "id_field",
    "error_field", "permanent_statuses", "connections", "allow_private"};

void RejectHttpKeysOnSmpp(TableReader& reader, const CarrierConfig& out) {
  if (out.protocol == "http") return;
  for (std::string_view key : kHttpOnlyKeys) {
    if (const toml::node* node = reader.table().get(key)) {
      reader.AddError(*node, fmt::format("{} only applies to protocol = \"http\"", key));
    }
  }
}

// Header names are tokens (RFC 9110 §5.6.2); anything else could split the request.
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

void ReadFieldNames(TableReader& reader, HttpFieldNames& out) {
  const toml::table* table = reader.Subtable("fields");
  if (table == nullptr) return;
  TableReader fields(*table, reader.section() + " fields", reader.diags());
  fields.String("from", out.from);
  fields.String("to", out.to);
  fields.String("text", out.text);
  fields.String("reference", out.reference);
  fields.String("receipt", out.receipt);
  fields.String("validity_s", out.validity_s);
  fields.ReportUnknownKeys();
  for (auto [key, value] : {std::pair{"from", &out.from}, {"to", &out.to}, {"text", &out.text}}) {
    if (value->empty()) fields.AddError(*table, fmt::format("{} cannot be empty", key));
  }
}

}  // namespace

void ReadCarrierHttp(TableReader& reader, CarrierConfig& out) {
  RejectHttpKeysOnSmpp(reader, out);
  HttpCarrierConfig& http = out.http;
  reader.OneOf("format", http.format, {"json", "form"});
  if (reader.String("auth_header", http.auth_header) && !IsToken(http.auth_header)) {
    reader.Fail(*reader.table().get("auth_header"), "auth_header", "an HTTP header name");
  }
  reader.String("auth_scheme", http.auth_scheme);
  ReadFieldNames(reader, http.fields);
  reader.NonEmptyString("id_field", http.id_field);
  reader.String("error_field", http.error_field);
  reader.IntArray("permanent_statuses", http.permanent_statuses, 300, 599);
  reader.Int("connections", http.connections, 1, 256);
  reader.Bool("allow_private", http.allow_private);
}

}  // namespace deliverer::config::internal
