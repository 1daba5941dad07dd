#pragma once
// A PostgreSQL schema of its own for one test, so that tests sharing the run's server
// (services.h) see none of each other's tables: FreshSchemaUrl creates an empty schema with
// a unique name on the server at `base_url` and returns a URL whose connections use it (its
// name alone in their search_path, through libpq's `options`), for the driver or a whole
// store to open.
//
//   const std::string url = FreshSchemaUrl(ServiceUrl("postgres"));
//   auto db = store::postgres::Connection::Open(url);
//
// The schema is left behind with the server, which the run throws away. Throws
// std::runtime_error, which fails the calling test with its message, when the server
// cannot be reached or the schema not created. Thread-safe.
#include <string>

namespace deliverer::test_support {

std::string FreshSchemaUrl(const std::string& base_url);

// `base_url` (a libpq URI or key=value string) with `-c search_path=<schema>` added.
std::string UrlWithSearchPath(const std::string& base_url, const std::string& schema);

}  // namespace deliverer::test_support
