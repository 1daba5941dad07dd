// docs/reliability.md S11 end to end: `deliverer serve` against `deliverer sim`, the subscriber's
// keywords injected as MO through the simulator, what reached the carrier read from the
// simulator's record; and the operators' `deliverer suppressions` commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr const char* kSender = "Deliverer";  // our sender id, and where the subscriber replies
constexpr const char* kOptOutText =
    "You are unsubscribed and will receive no more messages. Reply START to resubscribe.";
constexpr const char* kOptInText = "You are subscribed again. Reply STOP to unsubscribe.";
constexpr const char* kHelpText = "Reply STOP to unsubscribe, START to resubscribe.";

Json FromSender(const std::string& to, const std::string& body) {
  return Json{{"from", kSender}, {"to", to}, {"body", body}};
}

// The texts the simulator received for `to` (E.164), in arrival order.
std::vector<std::string> TextsTo(const SimProcess& sim, const std::string& to) {
  std::vector<std::string> texts;
  for (const Json& line : sim.RecordLines()) {
    if (StringField(line, "destination") == to.substr(1))
      texts.push_back(StringField(line, "text"));
  }
  return texts;
}

size_t Count(const std::vector<std::string>& texts, const std::string& text) {
  return static_cast<size_t>(std::count(texts.begin(), texts.end(), text));
}

::testing::AssertionResult WaitForTextTo(const SimProcess& sim, const std::string& to,
                                         const std::string& text, size_t n = 1) {
  std::vector<std::string> texts;
  if (WaitFor([&] { return Count(texts = TextsTo(sim, to), text) >= n; }, Millis(30'000), Millis(100))) {
    return ::testing::AssertionSuccess();
  }
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << Count(texts, text) << " of " << n << " \"" << text << "\" reached the carrier in 30 s; it got:";
  for (const std::string& got : texts) failure << "\n  " << got;
  return failure;
}

void Mo(const SimProcess& sim, const std::string& text) {
  ASSERT_EQ(sim.Post("/mo", {{"from", kTo}, {"to", kSender}, {"text", text}}).status, 200) << text;
}

// The inbound messages an admin sees with this flag.
std::vector<Json> Inbound(const DelivererProcess& server, const std::string& admin,
                          const std::string& flag) {
  HttpResponse r = server.Get("/v1/admin/inbound" + Query({{"flag", flag}}), admin);
  EXPECT_TRUE(HasStatus(r, 200));
  return r.json.is_object() && r.json["data"].is_array() ? r.json["data"].get<std::vector<Json>>()
                                                         : std::vector<Json>{};
}

TEST(OptOutTest, S11_OptOutEndToEnd) {
  // The first submit is answered 30 s late (within the response timeout), so messages sent
  // after it wait in the queue (one destination, one message at a time) while the
  // subscriber's STOP arrives and is checked. The simulator fixes an answer's time when it
  // reads the submit, so the hold cannot be ended early; it is long enough for a busy
  // machine, and the test waits for the answer rather than for a time.
  SimProcess sim({"--latency-ms", "30000"});
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort(), "response_timeout_s = 90"));
  const std::string key = server.CreateKey("acme", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");

  const std::string first = Send(server, key, FromSender(kTo, "before the STOP"));
  ASSERT_TRUE(sim.WaitForStat("submits", 1));
  std::vector<std::string> queued;
  for (int i = 0; i < 3; ++i)
    queued.push_back(Send(server, key, FromSender(kTo, "queued " + std::to_string(i))));

  ASSERT_NO_FATAL_FAILURE(Mo(sim, "STOP"));
  ASSERT_TRUE(WaitFor(
      [&] { return server.Post("/v1/messages", FromSender(kTo, "after"), key).status == 422; },
      Millis(15'000), Millis(50)));
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", FromSender(kTo, "after"), key), 422,
                        "recipient_suppressed", "to"));
  ASSERT_EQ(Fetch(server, key, first)["status"], "queued")
      << "the first submit must still be unanswered, so the others are still queued";
  ASSERT_EQ(sim.Patch("/config", {{"submit", {{"latency_ms", 0}}}}).status, 200);

  const auto queued_final = AwaitTerminal(server, key, queued, Millis(120'000));
  ASSERT_EQ(queued_final.size(), queued.size());
  for (const auto& [id, m] : queued_final) {
    EXPECT_EQ(m["status"], "rejected") << m.dump();
    EXPECT_EQ(StringField(m["error"], "code"), "recipient_suppressed") << m.dump();
  }
  EXPECT_EQ(StringField(AwaitFinal(server, key, first), "status"), "delivered");
  ASSERT_TRUE(WaitForTextTo(sim, kTo, kOptOutText))
      << "the STOP is confirmed although the number is suppressed";

  // A second STOP the same day: no second confirmation. HELP is answered; the replies to
  // one subscriber go out in order, so once HELP's is there, a second STOP's would be too.
  ASSERT_NO_FATAL_FAILURE(Mo(sim, "stop"));
  ASSERT_NO_FATAL_FAILURE(Mo(sim, "HELP"));
  ASSERT_TRUE(WaitForTextTo(sim, kTo, kHelpText));
  EXPECT_EQ(Count(TextsTo(sim, kTo), kOptOutText), 1u);

  // START: sends flow again.
  ASSERT_NO_FATAL_FAILURE(Mo(sim, "Start"));
  ASSERT_TRUE(WaitForTextTo(sim, kTo, kOptInText));
  const std::string again = Send(server, key, FromSender(kTo, "after the START"));
  EXPECT_EQ(StringField(AwaitFinal(server, key, again), "status"), "delivered");

  // "STOP PLEASE" changes nothing and waits for a person in the review list.
  ASSERT_NO_FATAL_FAILURE(Mo(sim, "STOP PLEASE"));
  std::vector<Json> review;
  ASSERT_TRUE(WaitFor([&] { return !(review = Inbound(server, admin, "review")).empty(); },
                      Millis(15'000)));
  ASSERT_EQ(review.size(), 1u);
  EXPECT_EQ(review[0]["text"], "STOP PLEASE");
  EXPECT_EQ(review[0]["from"], kTo);
  EXPECT_EQ(review[0]["to"], kSender);
  EXPECT_EQ(review[0]["flag"], "review");
  EXPECT_TRUE(IsRfc3339Millis(StringField(review[0], "received_at")));
  EXPECT_TRUE(
      HasStatus(server.Post("/v1/messages", FromSender(kTo, "still subscribed"), key), 202));
  EXPECT_EQ(Inbound(server, admin, "opt_out").size(), 2u);
  EXPECT_TRUE(IsProblem(server.Get("/v1/admin/inbound", key), 403, "forbidden"));
  // Paged two at a time, newest first: every MO exactly once (MOs within one millisecond
  // may come in either order).
  std::vector<std::string> paged_texts;
  std::vector<SysMillis> received;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::vector<std::pair<std::string, std::string>> params = {{"limit", "2"}};
    if (!cursor.empty()) params.emplace_back("cursor", cursor);
    HttpResponse r = server.Get("/v1/admin/inbound" + Query(params), admin);
    ASSERT_TRUE(HasStatus(r, 200));
    for (const Json& in : r.json["data"]) {
      paged_texts.push_back(StringField(in, "text"));
      received.push_back(ParseRfc3339Millis(StringField(in, "received_at")));
    }
    cursor = StringField(r.json, "next_cursor");
    if (cursor.empty()) break;
  }
  EXPECT_TRUE(std::is_sorted(received.rbegin(), received.rend()));
  ASSERT_FALSE(paged_texts.empty());
  EXPECT_EQ(paged_texts.front(), "STOP PLEASE");
  std::sort(paged_texts.begin(), paged_texts.end());
  EXPECT_EQ(paged_texts, (std::vector<std::string>{"HELP", "STOP", "STOP PLEASE", "Start", "stop"}));

  // What reached the carrier: never a queued message, exactly one confirmation.
  const std::vector<std::string> texts = TextsTo(sim, kTo);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Count(texts, "queued " + std::to_string(i)), 0u);
  EXPECT_EQ(Count(texts, kOptOutText), 1u);
  EXPECT_EQ(Count(texts, kHelpText), 1u);
  EXPECT_EQ(Count(texts, kOptInText), 1u);

  // The replies are the account's messages, marked by client_ref.
  HttpResponse replies = server.Get("/v1/messages" + Query({{"client_ref", "opt_out_reply"}}), key);
  ASSERT_TRUE(HasStatus(replies, 200));
  ASSERT_EQ(replies.json["data"].size(), 1u);
  Json reply = Fetch(server, key, StringField(replies.json["data"][0], "message_id"));
  EXPECT_EQ(reply["account"], "acme");
  EXPECT_EQ(reply["from"], kSender);
  EXPECT_EQ(reply["to"], kTo);
  EXPECT_EQ(reply["priority"], "high");
  EXPECT_EQ(reply["status"], "delivered");
  EXPECT_EQ(Metric(server, "deliverer_compliance_replies_total"), 3);
}

TEST(OptOutTest, S11_StopAllFromASubscriberNoAccountWroteToIsGlobal) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string acme = server.CreateKey("acme", kSendRead);
  const std::string globex = server.CreateKey("globex", kSendRead);
  const std::string admin = server.CreateKey("ops", "admin");
  ASSERT_NO_FATAL_FAILURE(Mo(sim, "STOPALL"));
  // Awaited without writing to the subscriber: a message accepted before the STOPALL is
  // recorded would make its account one that wrote to them, and the reply its own.
  ASSERT_TRUE(WaitFor([&] { return server.Get("/v1/admin/inbound", admin).json["data"].size() == 1; },
                      Millis(15'000), Millis(50)));
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", FromSender(kTo, "x"), acme), 422, "recipient_suppressed"));
  EXPECT_TRUE(IsProblem(server.Post("/v1/messages", FromSender(kTo, "x"), globex), 422,
                        "recipient_suppressed"));
  ASSERT_TRUE(WaitForTextTo(sim, kTo, kOptOutText));
  HttpResponse replies =
      server.Get("/v1/messages" + Query({{"client_ref", "opt_out_reply"}}), admin);
  ASSERT_EQ(replies.json["data"].size(), 1u) << replies;
  EXPECT_EQ(replies.json["data"][0]["account"], "_system");
  EXPECT_TRUE(server.Get("/v1/messages" + Query({{"client_ref", "opt_out_reply"}}), acme)
                  .json["data"]
                  .empty());
}

// ---------------------------------------------------------------------------------------
// deliverer suppressions

// `deliverer suppressions SUBCOMMAND --config <the server's> ARGS…`
CommandResult Suppressions(const DelivererProcess& server, std::vector<std::string> args) {
  args.insert(args.begin() + 1, {"--config", server.ConfigPath()});
  args.insert(args.begin(), "suppressions");
  return RunDeliverer(args);
}

TEST(SuppressionsCliTest, AddListRemove) {
  DelivererProcess server;
  const std::string key = server.CreateKey("acme", kSendRead);
  CommandResult added =
      Suppressions(server, {"add", "--account", "acme", "--reason", "complaint", kToFr});
  ASSERT_EQ(added.exit_code, 0) << added.Output();
  CommandResult global = Suppressions(server, {"add", "--global", kToDe});
  ASSERT_EQ(global.exit_code, 0) << global.Output();

  EXPECT_TRUE(
      IsProblem(server.Post("/v1/messages", Message(kToFr), key), 422, "recipient_suppressed"));
  EXPECT_TRUE(
      IsProblem(server.Post("/v1/messages", Message(kToDe), key), 422, "recipient_suppressed"));
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", Message(kTo), key), 202));

  CommandResult list = Suppressions(server, {"list"});
  ASSERT_EQ(list.exit_code, 0) << list.Output();
  EXPECT_NE(list.out.find(std::string(kToDe) + "\t*\toperator\tcli\t"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find(std::string(kToFr) + "\tacme\tcomplaint\tcli\t"), std::string::npos)
      << list.out;
  CommandResult only_acme = Suppressions(server, {"list", "--account", "acme"});
  EXPECT_EQ(only_acme.out.find(kToDe), std::string::npos) << only_acme.out;
  CommandResult only_global = Suppressions(server, {"list", "--global"});
  EXPECT_EQ(only_global.out.find(kToFr), std::string::npos) << only_global.out;
  EXPECT_NE(only_global.out.find(kToDe), std::string::npos) << only_global.out;
  const std::string first_line = list.out.substr(0, list.out.find('\n'));
  EXPECT_TRUE(IsRfc3339Millis(first_line.substr(first_line.rfind('\t') + 1))) << first_line;

  CommandResult removed = Suppressions(server, {"remove", "--account", "acme", kToFr});
  ASSERT_EQ(removed.exit_code, 0) << removed.Output();
  EXPECT_TRUE(HasStatus(server.Post("/v1/messages", Message(kToFr), key), 202));
  EXPECT_NE(Suppressions(server, {"remove", "--account", "acme", kToFr}).exit_code, 0)
      << "nothing left to remove";
  CommandResult after = Suppressions(server, {"list"});
  EXPECT_EQ(after.out.find(kToFr), std::string::npos) << after.out;
}

TEST(SuppressionsCliTest, RefusesBadNumbersAndAmbiguousLists) {
  DelivererProcess server;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"add", "--account", "acme", "+1555"},
                                             {"add", "--account", "acme", "442071838750"},
                                             {"add", kTo},
                                             {"add", "--account", "acme", "--global", kTo},
                                             {"remove", kTo}}) {
    CommandResult r = Suppressions(server, args);
    EXPECT_NE(r.exit_code, 0) << args[0] << " " << args.back() << ": " << r.Output();
  }
  EXPECT_TRUE(Suppressions(server, {"list"}).out.empty());
}

TEST(SuppressionsCliTest, TheSystemAccountIsReserved) {
  DelivererProcess server;
  EXPECT_THROW(server.CreateKey("_system", kSendRead), std::runtime_error);
}

}  // namespace
}  // namespace deliverer::integration
