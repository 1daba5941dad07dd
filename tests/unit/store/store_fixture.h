#pragma once
// A fresh SQLite store in its own temporary folder per test, with the writes the store
// tests make most (a message, an inbound message, a suppression) awaited in place, and
// the database files readable as an attacker would read them.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_dir.h"

namespace deliverer::store::sqlite::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("store");
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();
    auto store = SqliteStore::Open(SqliteOptions{dir_.string()}, clock_);
    ASSERT_TRUE(store.ok()) << store.error().detail;
    store_ = std::move(*store);
  }

  // A message from "Deliverer" for acme; callers change what they need in `m`.
  static NewMessage Message(const std::string& id, const std::string& to, const std::string& body) {
    NewMessage m;
    m.id = id;
    m.account = "acme";
    m.from = "Deliverer";
    m.to = to;
    m.to_region = "GB";
    m.body = body;
    m.payload_hash = "h" + id;
    return m;
  }

  Result<InsertResult> Insert(NewMessage m) {
    m.created_at_ms = clock_.NowUnixMillis();
    std::promise<std::vector<Result<InsertResult>>> done;
    store_->InsertMessages({std::move(m)}, [&](auto results) { done.set_value(std::move(results)); });
    return std::move(done.get_future().get()[0]);
  }

  Result<InboundOutcome> Inbound(InboundRecord mo, InboundEffects effects = {}) {
    std::promise<Result<InboundOutcome>> done;
    store_->RecordInbound(std::move(mo), std::move(effects),
                          [&](Result<InboundOutcome> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  void Suppress(const std::string& account, const std::string& number) {
    std::promise<deliverer::Status> done;
    store_->PutSuppression(Suppression{account, number, "stop_keyword", "mo", 1}, AuditEntry{},
                           [&](deliverer::Status r) { done.set_value(r); });
    ASSERT_TRUE(done.get_future().get().ok());
  }

  // Every file in the store's folder (the database, its -wal and -shm, the key ring).
  std::map<std::string, std::string> Files() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      std::ifstream in(entry.path(), std::ios::binary);
      files[entry.path().filename().string()] =
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return files;
  }

  // Runs SQL on the database file directly, as an attacker, an operator or an old version
  // would.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "deliverer.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_free(error);
    sqlite3_close(db);
  }
  // Closes the store and takes the database back to schema `version` (6 or later), as a
  // binary of that version would have left it: the migrations after it undone, newest
  // first, so that reopening applies them to the rows written meanwhile.
  void BackToVersion(int version) {
    store_.reset();
    static const std::map<int, std::string> kUndo = {
        {12, "DROP TABLE dispatch_handover;"},
        {11, "DROP INDEX api_keys_by_smpp_system_id; ALTER TABLE api_keys DROP COLUMN smpp_system_id;"},
        {10, "DROP TABLE canary_halts;"},
        {9, "DROP INDEX messages_by_match_key; ALTER TABLE messages DROP COLUMN match_key;"
            "ALTER TABLE messages DROP COLUMN done_detail;"
            "ALTER TABLE audit DROP COLUMN count;"
            "DROP INDEX messages_by_time; CREATE INDEX messages_by_time ON messages(created_at, id);"
            "DROP INDEX messages_by_account_time;"
            "CREATE INDEX messages_by_account_time ON messages(account, created_at, id);"},
        {8, "DROP TABLE inbound_parts;"
            "DROP INDEX inbound_by_account;"
            "ALTER TABLE inbound DROP COLUMN account;"
            "ALTER TABLE webhooks DROP COLUMN inbound;"
            "ALTER TABLE webhooks DROP COLUMN url;"},
        {7, "ALTER TABLE messages DROP COLUMN estimate_micros;"
            "ALTER TABLE messages DROP COLUMN estimate_currency;"
            "ALTER TABLE messages DROP COLUMN cost_micros;"
            "ALTER TABLE messages DROP COLUMN cost_currency;"},
    };
    ASSERT_GE(version, 6);
    for (auto undo = kUndo.rbegin(); undo != kUndo.rend() && undo->first > version; ++undo) Sql(undo->second);
    Sql("PRAGMA user_version = " + std::to_string(version) + ";");
  }

  // The first column of the first row of `sql` read from the file directly, as bytes ("" if
  // none).
  std::string One(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "deliverer.db").c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      out.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                 static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

  // Records `id` sent by sim-a, one segment whose carrier id is "k-<id>".
  void MarkSent(const std::string& id) {
    std::promise<std::vector<Result<ChangeResult>>> done;
    StatusChange sent{.message_id = id, .status = model::Status::kSent, .at_ms = 1500, .carrier = "sim-a",
                      .attempts = 1, .segments = {SegmentSubmit{0, "k-" + id, "k-" + id}},
                      .receipt_due_ms = 100'000};
    store_->RecordChanges({sent}, [&](auto r) { done.set_value(std::move(r)); });
    ASSERT_TRUE(done.get_future().get()[0].ok());
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace deliverer::store::sqlite::testing
