// `deliverer backup` while serve runs, and `deliverer restore` into an empty place
// (docs/operations.md "Backup and restore"): the restored store serves the same messages,
// keys and opt-outs, and nothing committed after the backup.
#include <filesystem>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOptedOut = "+447911123456";

TEST(BackupTest, ARestoredStoreServesTheSameMessagesKeysAndOptOuts) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", "messages:send,messages:read,suppressions:write");
  const std::string delivered = Send(server, key, FromDeliverer(kTo, "before the backup"));
  ASSERT_EQ(AwaitFinal(server, key, delivered)["status"], "delivered");
  ASSERT_TRUE(HasStatus(server.Put(std::string("/v1/suppressions/") + kOptedOut, {{"reason", "asked"}}, key), 200));

  TempDir backups;
  const std::string backup = backups.path() + "/nightly";
  CommandResult made = RunDeliverer({"backup", "--config", server.ConfigPath(), "--to", backup});
  ASSERT_EQ(made.exit_code, 0) << made.Output();
  EXPECT_EQ(fs::status(backup).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(backup + "/keyring").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const std::string after = Send(server, key, FromDeliverer(kTo, "after the backup"));
  server.Terminate();

  // Another gateway, its own store moved aside, the backup restored in its place.
  DelivererProcess restored(kFastDelivery, OneCarrier(sim.SmppPort()));
  restored.Kill9();
  CommandResult refused = RunDeliverer({"restore", "--config", restored.ConfigPath(), "--from", backup});
  EXPECT_EQ(refused.exit_code, 1) << "never over a store: " << refused.Output();
  for (const auto& entry : fs::directory_iterator(restored.DataDir())) fs::remove_all(entry.path());
  CommandResult put_back = RunDeliverer({"restore", "--config", restored.ConfigPath(), "--from", backup});
  ASSERT_EQ(put_back.exit_code, 0) << put_back.Output();
  restored.Restart();

  const Json message = Fetch(restored, key, delivered);  // the same key still authenticates
  EXPECT_EQ(message["status"], "delivered");
  EXPECT_EQ(message["events"].size(), 3u) << message.dump();
  EXPECT_TRUE(IsProblem(restored.Get("/v1/messages/" + after, key), 404, "not_found"))
      << "committed after the backup";
  HttpResponse list = restored.Get("/v1/suppressions", key);
  ASSERT_TRUE(HasStatus(list, 200));
  ASSERT_EQ(list.json["data"].size(), 1u) << list;
  EXPECT_EQ(list.json["data"][0]["number"], kOptedOut);
  EXPECT_TRUE(IsProblem(restored.Post("/v1/messages", FromDeliverer(kOptedOut, "x"), key), 422,
                        "recipient_suppressed"));
  // Bodies open with the restored key ring: a new message is delivered, an old one's
  // retry would be too.
  const std::string fresh = Send(restored, key, FromDeliverer(kTo, "after the restore"));
  EXPECT_EQ(AwaitFinal(restored, key, fresh)["status"], "delivered");
}

TEST(BackupTest, RestoreRefusesADirectoryWithoutABackup) {
  DelivererProcess server("", "", {"--role", "api"});
  TempDir empty;
  CommandResult r = RunDeliverer({"restore", "--config", server.ConfigPath(), "--from", empty.path()});
  EXPECT_EQ(r.exit_code, 2) << r.Output();
  EXPECT_NE(r.err.find("holds no backup"), std::string::npos) << r.Output();
}

}  // namespace
}  // namespace deliverer::integration
