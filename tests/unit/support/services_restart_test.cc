// A chaos test's steps on a shared server: PostgreSQL killed with -9 is down, and restarted
// it answers on the same address with what it had committed. Runs alone (SERIAL): every
// other test that needs PostgreSQL shares this server.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "support/services.h"

namespace deliverer::test_support {
namespace {

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

PgConnection Connect(const std::string& url) { return PgConnection(PQconnectdb(url.c_str()), &PQfinish); }

std::string Exec(PGconn* connection, const std::string& sql) {
  PgResult result(PQexec(connection, sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0) return PQgetvalue(result.get(), 0, 0);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) ADD_FAILURE() << sql << ": " << PQerrorMessage(connection);
  return "";
}

class ServicesRestart : public ::testing::Test {
 protected:
  // Whatever failed, the server is up again for the tests after this one.
  void TearDown() override {
    if (killed_) RestartService("postgres");
  }
  bool killed_ = false;
};

TEST_F(ServicesRestart, PostgresKilledWithSignal9ComesBackWithWhatItCommitted) {
  const std::string url = ServiceUrl("postgres");
  const std::string table = "restart_test_" + std::to_string(::getpid());
  {
    PgConnection before = Connect(url);
    ASSERT_EQ(PQstatus(before.get()), CONNECTION_OK) << PQerrorMessage(before.get());
    Exec(before.get(), "CREATE TABLE " + table + " (v text)");
    Exec(before.get(), "INSERT INTO " + table + " VALUES ('committed')");
  }
  const pid_t old_pid = ServicePid("postgres");

  killed_ = true;
  KillService("postgres");
  EXPECT_NE(PQstatus(Connect(url).get()), CONNECTION_OK);

  RestartService("postgres");
  killed_ = false;
  EXPECT_EQ(ServiceUrl("postgres"), url);
  EXPECT_NE(ServicePid("postgres"), old_pid);
  PgConnection after = Connect(url);
  ASSERT_EQ(PQstatus(after.get()), CONNECTION_OK) << PQerrorMessage(after.get());
  EXPECT_EQ(Exec(after.get(), "SELECT v FROM " + table), "committed");
  Exec(after.get(), "DROP TABLE " + table);
}

}  // namespace
}  // namespace deliverer::test_support
