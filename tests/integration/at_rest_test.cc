// Bodies at rest (docs/reliability.md S9): the real binary, its key ring and its database
// files. Rotation while serve runs, re-encryption, retirement only once no row needs the
// key, every body still delivered in full; and no body or key secret in the files.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

CommandResult Keys(const DelivererProcess& server, const std::vector<std::string>& args) {
  std::vector<std::string> full = {"keys"};
  full.insert(full.end(), args.begin(), args.end());
  full.push_back("--config");
  full.push_back(server.ConfigPath());
  return RunDeliverer(full);
}

// `keys data-keys` as key id → (state, rows).
std::map<std::string, std::pair<std::string, int64_t>> DataKeys(const DelivererProcess& server) {
  const CommandResult r = Keys(server, {"data-keys"});
  EXPECT_EQ(r.exit_code, 0) << r.Output();
  std::map<std::string, std::pair<std::string, int64_t>> keys;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, state, created;
    int64_t rows = 0;
    fields >> id >> state >> created >> rows;
    keys[id] = {state, rows};
  }
  return keys;
}

std::vector<std::string> SendAll(const DelivererProcess& server, const std::string& key,
                                 const std::string& tag, int n, std::set<std::string>& bodies) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    const std::string body = "S9 " + tag + " body number " + std::to_string(i) + " ü";
    bodies.insert(body);
    ids.push_back(Send(server, key, Json{{"from", "Deliverer"}, {"to", kTo}, {"body", body}}));
  }
  return ids;
}

// The base64 data key secrets written in the key ring.
std::vector<std::string> RingSecrets(const std::string& ring) {
  std::vector<std::string> secrets;
  std::istringstream lines(ring);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string kind, a, b, c;
    words >> kind >> a >> b >> c;
    if (kind == "index") secrets.push_back(a);
    if (kind == "data") secrets.push_back(c);
  }
  return secrets;
}

// The rotation contract: the CLI edits the ring file, whether serve runs or not; a
// running serve reloads it within about a second and re-encrypts in the background.
TEST(AtRestTest, S9_RotateDuringARunDecryptsAll) {
  DelivererProcess server(kFastDelivery);  // its carrier is unreachable: messages wait
  const std::string key = server.CreateKey("acme", kSendRead);
  std::set<std::string> bodies;
  std::vector<std::string> ids = SendAll(server, key, "first", 20, bodies);

  // Stopped: nothing re-encrypts, so the old key is still needed and cannot go.
  ASSERT_EQ(server.Terminate(), 0);
  CommandResult rotated = Keys(server, {"rotate-data-key"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.Output();
  EXPECT_NE(rotated.out.find("data key 2 is now primary"), std::string::npos) << rotated.out;
  CommandResult refused = Keys(server, {"retire-data-key", "1"});
  EXPECT_EQ(refused.exit_code, 1) << refused.Output();
  EXPECT_NE(refused.err.find("still seals 20 rows"), std::string::npos) << refused.err;
  EXPECT_EQ(DataKeys(server)["1"], (std::pair<std::string, int64_t>{"old", 20}));

  // Running: rotate again under load; new bodies go under the newest key, old ones move.
  server.Restart();
  for (const auto& id : SendAll(server, key, "second", 20, bodies)) ids.push_back(id);
  rotated = Keys(server, {"rotate-data-key"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.Output();
  ASSERT_TRUE(server.WaitForLog("data key 3 is now primary"));
  for (const auto& id : SendAll(server, key, "third", 20, bodies)) ids.push_back(id);
  ASSERT_TRUE(WaitFor([&] { return DataKeys(server)["3"].second == 60; }, Millis(30'000)))
      << Keys(server, {"data-keys"}).out;
  EXPECT_EQ(DataKeys(server)["1"].second, 0);
  EXPECT_EQ(DataKeys(server)["2"].second, 0);
  EXPECT_TRUE(WaitFor([&] { return Metric(server, "deliverer_reencrypted_rows_total") >= 40; },
                      Millis(10'000)));

  CommandResult primary = Keys(server, {"retire-data-key", "3"});
  EXPECT_EQ(primary.exit_code, 2) << primary.Output();
  for (const std::string id : {"1", "2"}) {
    CommandResult retired = Keys(server, {"retire-data-key", id});
    EXPECT_EQ(retired.exit_code, 0) << retired.Output();
  }
  EXPECT_EQ(DataKeys(server).size(), 1u);
  const std::string admin = server.CreateKey("ops", "admin");
  std::multiset<std::string> audited;
  for (std::string cursor;;) {
    const std::string query = cursor.empty() ? "" : Query({{"cursor", cursor}});
    Json page = server.Get("/v1/admin/audit" + query, admin).json;
    for (const Json& e : page["data"]) {
      const std::string action = StringField(e, "action");
      if (action.starts_with("data_key.")) audited.insert(action + " " + StringField(e, "target"));
    }
    cursor = StringField(page, "next_cursor");
    if (cursor.empty()) break;
  }
  EXPECT_EQ(audited, (std::multiset<std::string>{
                         "data_key.retire data-key:1", "data_key.retire data-key:2",
                         "data_key.rotate data-key:2", "data_key.rotate data-key:3"}));

  // Every body still opens: the carrier receives each one in full.
  SimProcess sim;
  server.Terminate();
  {
    std::ofstream config(server.ConfigPath());
    config << BaseConfig(server.DataDir(), kFastDelivery, OneCarrier(sim.SmppPort()));
  }
  server.Restart();
  auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  for (const auto& [id, m] : final) EXPECT_EQ(m["status"], "delivered") << m.dump();
  std::set<std::string> received;
  for (const Json& line : sim.RecordLines()) received.insert(StringField(line, "text"));
  EXPECT_EQ(received, bodies);
}

TEST(AtRestTest, S9_NoBodyOrKeySecretInTheDatabaseFiles) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::set<std::string> bodies;
  std::vector<std::string> ids = SendAll(server, key, "fixture-7Hq2", 10, bodies);
  AwaitTerminal(server, key, ids);
  ASSERT_EQ(Keys(server, {"rotate-data-key"}).exit_code, 0);
  for (const auto& id : SendAll(server, key, "fixture-after-rotation", 10, bodies)) {
    ids.push_back(id);
  }
  AwaitTerminal(server, key, ids);
  ASSERT_TRUE(WaitFor([&] { return DataKeys(server)["1"].second == 0; }, Millis(30'000)));

  auto check = [&](const char* when) {
    const auto files = FilesUnder(server.DataDir());
    ASSERT_TRUE(files.contains("deliverer.db")) << when;
    ASSERT_TRUE(files.contains("keyring")) << when;
    const std::vector<std::string> secrets = RingSecrets(files.at("keyring"));
    ASSERT_EQ(secrets.size(), 3u);  // the index key and two data keys
    for (const auto& [name, bytes] : files) {
      for (const std::string& body : bodies) {
        EXPECT_EQ(bytes.find(body), std::string::npos) << when << ": a body in " << name;
        EXPECT_EQ(bytes.find(body.substr(0, 20)), std::string::npos) << when << ": in " << name;
      }
      EXPECT_EQ(bytes.find(KeySecret(key)), std::string::npos) << when << ": API key in " << name;
      if (name == "keyring") continue;
      for (const std::string& secret : secrets) {
        EXPECT_EQ(bytes.find(secret), std::string::npos) << when << ": a data key in " << name;
      }
    }
  };
  check("while serving");
  ASSERT_EQ(server.Terminate(), 0);
  check("after shutdown");
}

}  // namespace
}  // namespace deliverer::integration
