// Scheduled sends and cancel end to end (docs/api.md "Scheduled sends"): the real binary
// against the simulator, a message held until its send_at and not submitted before it,
// kept across a restart, and canceled with its webhook and audit entry.
#include <chrono>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

SysMillis Now() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

Json Scheduled(const std::string& to, const std::string& body, SysMillis send_at) {
  Json m = FromDeliverer(to, body);
  m["send_at"] = FormatRfc3339Millis(send_at);
  return m;
}

// When the simulator received `text`; fails the test when it never did.
SysMillis SubmittedAt(SimProcess& sim, const std::string& text) {
  for (const Json& line : sim.RecordLines()) {
    if (StringField(line, "text") == text) return ParseRfc3339Millis(StringField(line, "t"));
  }
  ADD_FAILURE() << "the simulator never received '" << text << "'";
  return SysMillis{};
}

class ScheduledTest : public ::testing::Test {
 protected:
  SimProcess sim_;
  DelivererProcess server_{std::string(kFastDelivery) + "\n[security]\nallow_private_callbacks = true\n",
                           OneCarrier(sim_.SmppPort())};
  std::string key_ = server_.CreateKey("acme", kSendRead);
};

TEST_F(ScheduledTest, AScheduledMessageIsNotSubmittedBeforeItsTime) {
  const SysMillis send_at = Now() + Millis(4'000);
  HttpResponse accepted = server_.Post("/v1/messages", Scheduled(kTo, "at its time", send_at), key_);
  ASSERT_TRUE(HasStatus(accepted, 202));
  EXPECT_EQ(accepted.json["status"], "scheduled");
  EXPECT_EQ(accepted.json["send_at"], FormatRfc3339Millis(send_at));
  const std::string id = StringField(accepted.json, "message_id");
  EXPECT_EQ(Fetch(server_, key_, id)["status"], "scheduled");
  // A message sent now to the same destination is not held behind it.
  const std::string now_id = Send(server_, key_, FromDeliverer(kTo, "right away"));
  EXPECT_EQ(AwaitFinal(server_, key_, now_id)["status"], "delivered");

  const Json final = AwaitFinal(server_, key_, id);
  EXPECT_EQ(final["status"], "delivered");
  EXPECT_GE(SubmittedAt(sim_, "at its time"), send_at) << "submitted before its send_at";
  std::vector<std::string> events;
  for (const Json& e : final["events"]) events.push_back(StringField(e, "status"));
  EXPECT_EQ(events, (std::vector<std::string>{"scheduled", "queued", "sent", "delivered"}));
  EXPECT_EQ(final["send_at"], FormatRfc3339Millis(send_at));
}

TEST_F(ScheduledTest, AScheduledMessageSurvivesARestartAndGoesOutAfter) {
  const SysMillis send_at = Now() + Millis(3'000);
  HttpResponse accepted = server_.Post("/v1/messages", Scheduled(kTo, "kept across a restart", send_at), key_);
  ASSERT_TRUE(HasStatus(accepted, 202));
  const std::string id = StringField(accepted.json, "message_id");
  server_.Kill9();
  server_.Restart();
  EXPECT_EQ(AwaitFinal(server_, key_, id)["status"], "delivered");
  EXPECT_GE(SubmittedAt(sim_, "kept across a restart"), send_at);
}

TEST_F(ScheduledTest, APastSendAtMeansNowAndOneTooFarAheadIsRefused) {
  HttpResponse past = server_.Post("/v1/messages", Scheduled(kTo, "late", Now() - Millis(60'000)), key_);
  ASSERT_TRUE(HasStatus(past, 202));
  EXPECT_EQ(past.json["status"], "queued");
  EXPECT_FALSE(past.json.contains("send_at"));
  EXPECT_EQ(AwaitFinal(server_, key_, StringField(past.json, "message_id"))["status"], "delivered");

  const SysMillis too_far = Now() + Millis(31LL * 24 * 3600 * 1000);
  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", Scheduled(kTo, "x", too_far), key_), 400, "invalid_field",
                        "send_at"));
  Json no_offset = FromDeliverer(kTo, "x");
  no_offset["send_at"] = "2030-01-01T09:00:00";
  EXPECT_TRUE(IsProblem(server_.Post("/v1/messages", no_offset, key_), 400, "invalid_field", "send_at"));
}

TEST_F(ScheduledTest, BatchItemsCanBeScheduledOneByOne) {
  Json items = Json::array({Scheduled(kTo, "batch later", Now() + Millis(3'600'000)), FromDeliverer(kTo, "batch now"),
                            Scheduled(kTo, "batch too far", Now() + Millis(40LL * 24 * 3600 * 1000))});
  HttpResponse r = server_.Post("/v1/messages/batch", {{"messages", items}}, key_);
  ASSERT_TRUE(HasStatus(r, 207));
  EXPECT_EQ(r.json["results"][0]["status"], 202);
  EXPECT_EQ(r.json["results"][1]["status"], 202);
  EXPECT_EQ(r.json["results"][2]["status"], 400);
  EXPECT_EQ(r.json["results"][2]["error"]["field"], "send_at");
  EXPECT_EQ(Fetch(server_, key_, StringField(r.json["results"][0], "message_id"))["status"], "scheduled");
  EXPECT_EQ(AwaitFinal(server_, key_, StringField(r.json["results"][1], "message_id"))["status"], "delivered");
}

TEST_F(ScheduledTest, CancelAScheduledMessageWithItsWebhookAndAuditEntry) {
  WebhookReceiver hooks;
  Json message = Scheduled(kTo, "never sent", Now() + Millis(3'600'000));
  message["callback_url"] = hooks.Url();
  HttpResponse accepted = server_.Post("/v1/messages", message, key_);
  ASSERT_TRUE(HasStatus(accepted, 202));
  const std::string id = StringField(accepted.json, "message_id");

  HttpResponse canceled = server_.Delete("/v1/messages/" + id, key_);
  ASSERT_TRUE(HasStatus(canceled, 200));
  EXPECT_EQ(canceled.json["status"], "canceled");
  EXPECT_TRUE(canceled.json["done_at"].is_string());
  EXPECT_EQ(canceled.json["events"].back()["status"], "canceled");
  EXPECT_EQ(Fetch(server_, key_, id)["status"], "canceled");

  // Again: it has ended, and the answer says how.
  HttpResponse again = server_.Delete("/v1/messages/" + id, key_);
  EXPECT_TRUE(IsProblem(again, 409, "conflict"));
  EXPECT_NE(StringField(again.json, "detail").find("canceled"), std::string::npos) << again;

  ASSERT_TRUE(WaitFor([&] { return !hooks.Accepted().empty(); }, Millis(10'000)));
  const Json event = ParseObject(hooks.Accepted().front().body);
  EXPECT_EQ(event["status"], "canceled");
  EXPECT_EQ(event["previous_status"], "scheduled");
  EXPECT_EQ(event["message_id"], id);

  const std::string admin = server_.CreateKey("ops", "admin");
  HttpResponse audit = server_.Get("/v1/admin/audit?action=message.cancel", admin);
  ASSERT_TRUE(HasStatus(audit, 200));
  ASSERT_EQ(audit.json["data"].size(), 1u) << audit;
  EXPECT_EQ(audit.json["data"][0]["target"], id);
  EXPECT_GE(Metric(server_, "deliverer_messages_canceled_total"), 1);
}

TEST_F(ScheduledTest, ADeliveredMessageIsNotCanceledAndAnotherAccountsIsNotFound) {
  const std::string id = Send(server_, key_, FromDeliverer(kTo, "already out"));
  ASSERT_EQ(AwaitFinal(server_, key_, id)["status"], "delivered");
  HttpResponse late = server_.Delete("/v1/messages/" + id, key_);
  EXPECT_TRUE(IsProblem(late, 409, "conflict"));
  EXPECT_NE(StringField(late.json, "detail").find("delivered"), std::string::npos) << late;

  HttpResponse scheduled =
      server_.Post("/v1/messages", Scheduled(kTo, "acme's", Now() + Millis(3'600'000)), key_);
  ASSERT_TRUE(HasStatus(scheduled, 202));
  const std::string other = server_.CreateKey("globex", kSendRead);
  const std::string scheduled_id = StringField(scheduled.json, "message_id");
  EXPECT_TRUE(IsProblem(server_.Delete("/v1/messages/" + scheduled_id, other), 404, "not_found"));
  EXPECT_TRUE(IsProblem(server_.Delete("/v1/messages/0193a4c2-7d2e-7cc1-9c4e-2f1a3b4c5d6e", key_), 404,
                        "not_found"));
  EXPECT_EQ(Fetch(server_, key_, scheduled_id)["status"], "scheduled");
  const std::string read_only = server_.CreateKey("acme", "messages:read");
  EXPECT_TRUE(IsProblem(server_.Delete("/v1/messages/" + scheduled_id, read_only), 403, "forbidden"));
}

}  // namespace
}  // namespace deliverer::integration
