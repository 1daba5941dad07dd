#include "support/postgres_schema.h"

#include <libpq-fe.h>

#include <memory>
#include <random>
#include <stdexcept>

namespace deliverer::test_support {
namespace {

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Lower case: PostgreSQL folds unquoted names to it.
std::string RandomSchemaName() {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device random;
  std::string name = "t_";
  for (int i = 0; i < 16; ++i) name += kDigits[random() % 36];
  return name;
}

bool IsUri(const std::string& url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

}  // namespace

std::string UrlWithSearchPath(const std::string& base_url, const std::string& schema) {
  if (IsUri(base_url)) {
    const char separator = base_url.find('?') == std::string::npos ? '?' : '&';
    return base_url + separator + "options=-csearch_path%3D" + schema;  // percent-encoded '='
  }
  return base_url + " options='-csearch_path=" + schema + "'";
}

std::string FreshSchemaUrl(const std::string& base_url) {
  PgConnection conn(PQconnectdb(base_url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect to the test PostgreSQL: ") + PQerrorMessage(conn.get()));
  }
  const std::string schema = RandomSchemaName();
  PgResult result(PQexec(conn.get(), ("CREATE SCHEMA " + schema).c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("cannot create schema " + schema + ": " + PQresultErrorMessage(result.get()));
  }
  return UrlWithSearchPath(base_url, schema);
}

}  // namespace deliverer::test_support
