// What HTTP carriers POST to /v1/dlr and /v1/inbound (docs/api.md "Carrier callbacks"):
// reading the bodies, the receipt they make, and the sink that records them.
#include "carriers/http/callbacks.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <optional>
#include <string>
#include <vector>

#include "carriers/carrier_receipt.h"
#include "carriers/http/callback_sink.h"

namespace deliverer::carriers::http {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kForm = "application/x-www-form-urlencoded";

Result<CallbackReceipt> ReceiptBody(std::string_view body, std::string_view content_type = kJson) {
  return ParseCallbackReceipt(content_type, body);
}

Result<CallbackInbound> InboundBody(std::string_view body, std::string_view content_type = kJson) {
  return ParseCallbackInbound(content_type, body);
}

TEST(CallbackBodyTest, ReceiptFromJsonAndForm) {
  auto json = ReceiptBody(R"({"carrier_message_id":"1A2B","status":"UNDELIV","error_code":"001"})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->carrier_message_id, "1A2B");
  EXPECT_EQ(json->status, "UNDELIV");
  EXPECT_EQ(json->error_code, "001");
  auto form = ReceiptBody("carrier_message_id=99&status=delivered", kForm);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->carrier_message_id, "99");
  EXPECT_EQ(form->status, "delivered");
}

TEST(CallbackBodyTest, MissingFieldsAreNamed) {
  auto r = ReceiptBody(R"({"status":"DELIVRD"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_field");
  EXPECT_EQ(r.error().field, "carrier_message_id");
  EXPECT_EQ(ReceiptBody("[1,2").error().code, "invalid_json");
}

TEST(CallbackBodyTest, InboundFormDecodesSpacesAndPlus) {
  auto in = InboundBody("from=%2B447911123456&to=12345&text=STOP+PLEASE", kForm);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->from, "+447911123456");
  EXPECT_EQ(in->text, "STOP PLEASE");
}

TEST(CallbackBodyTest, FieldsOverTheirBoundsAreRefusedAndTheErrorCodeIsCut) {
  const std::string long_id(kMaxCallbackIdBytes + 1, '7');
  auto r = ReceiptBody(R"({"carrier_message_id":")" + long_id + R"(","status":"DELIVRD"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_field");
  EXPECT_EQ(r.error().field, "carrier_message_id");
  auto cut = ReceiptBody(R"({"carrier_message_id":"1","status":"UNDELIV","error_code":")" +
                         std::string(100, 'E') + R"("})");
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->error_code, std::string(kMaxCallbackCodeBytes, 'E'));
}

TEST(CallbackBodyTest, AFormFieldGivenTwiceOrBadlyEscapedIsAnInvalidField) {
  auto twice = ReceiptBody("carrier_message_id=1&status=DELIVRD&status=UNDELIV", kForm);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "invalid_field");
  EXPECT_EQ(twice.error().field, "status");
  EXPECT_EQ(ReceiptBody("carrier_message_id=%G1&status=DELIVRD", kForm).error().code, "invalid_field");
}

TEST(CallbackBodyTest, NumbersAreReadAsWritten) {
  auto r = ReceiptBody(R"({"carrier_message_id":6699,"status":"DELIVRD","error_code":0})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->carrier_message_id, "6699");
  EXPECT_EQ(r->error_code, "0");
}

// The HTTP path reaches the same mapping as SMPP receipts (receipts/outcome.h).
TEST(CallbackReceiptTest, BecomesTheCarrierReceiptKeyedByTheCarriersIdMatch) {
  CarrierReceipt r = CarrierReceiptOf(ReceiptOf(*ReceiptBody(
                                          R"({"carrier_message_id":"0x1A2B","status":"undeliv","error_code":"001"})")),
                                      receipts::CarrierIdMatch::kAuto);
  EXPECT_EQ(r.carrier_id, "0x1A2B");
  EXPECT_EQ(r.match_key, "1a2b");
  EXPECT_EQ(r.status, model::Status::kFailed);
  EXPECT_EQ(r.carrier_code, "undeliv/001");

  r = CarrierReceiptOf(ReceiptOf(*ReceiptBody(R"({"carrier_message_id":"0x1A2B","status":"DELIVERED"})")),
                       receipts::CarrierIdMatch::kAsIs);
  EXPECT_EQ(r.match_key, "0x1A2B");
  EXPECT_EQ(r.status, model::Status::kDelivered);
  EXPECT_EQ(r.carrier_code, "DELIVERED");

  r = CarrierReceiptOf(ReceiptOf(*ReceiptBody(R"({"carrier_message_id":"9","status":"ENROUTE"})")),
                       receipts::CarrierIdMatch::kAuto);
  EXPECT_EQ(r.status, model::Status::kSent) << "no change now";
}

class RecordingListener : public CarrierListener {
 public:
  void OnReceipt(const std::string& carrier, CarrierReceipt receipt, Ack ack) override {
    receipts.emplace_back(carrier, std::move(receipt));
    ack(recorded);
  }
  void OnInbound(const std::string& carrier, CarrierInbound inbound, Ack ack) override {
    inbound_messages.emplace_back(carrier, std::move(inbound));
    ack(recorded);
  }
  void OnLinkChange(const std::string&, int) override {}

  bool recorded = true;
  std::vector<std::pair<std::string, CarrierReceipt>> receipts;
  std::vector<std::pair<std::string, CarrierInbound>> inbound_messages;
};

// What a sink answered: nullopt until `done` ran.
struct Answer {
  std::optional<Status> status;
  CallbackSink::Done Done() {
    return [this](Status s) { status = std::move(s); };
  }
};

TEST(HttpCallbackSinkTest, HandsTheReceiptToTheListenerOnItsExecutor) {
  boost::asio::io_context io;
  RecordingListener listener;
  HttpCallbackSink sink(io.get_executor(), listener, {{"dec", receipts::CarrierIdMatch::kHexToDecimal}});
  Answer answer;
  sink.OnReceiptBody("dec", kForm, "carrier_message_id=6699&status=DELIVRD&error_code=000", answer.Done());
  EXPECT_TRUE(listener.receipts.empty()) << "not on the caller's thread";
  EXPECT_FALSE(answer.status);
  io.run();
  ASSERT_EQ(listener.receipts.size(), 1u);
  EXPECT_EQ(listener.receipts[0].first, "dec");
  EXPECT_EQ(listener.receipts[0].second.match_key, "1a2b");
  EXPECT_EQ(listener.receipts[0].second.status, model::Status::kDelivered);
  EXPECT_EQ(listener.receipts[0].second.carrier_code, "DELIVRD/000");
  ASSERT_TRUE(answer.status);
  EXPECT_TRUE(answer.status->ok());
}

TEST(HttpCallbackSinkTest, ACarrierWithoutASettingMatchesIdsAsAuto) {
  boost::asio::io_context io;
  RecordingListener listener;
  HttpCallbackSink sink(io.get_executor(), listener, {});
  Answer answer;
  sink.OnReceiptBody("other", kJson, R"({"carrier_message_id":"006699","status":"DELIVRD"})", answer.Done());
  io.run();
  ASSERT_EQ(listener.receipts.size(), 1u);
  EXPECT_EQ(listener.receipts[0].second.match_key, "1a2b");
}

TEST(HttpCallbackSinkTest, InboundReachesTheListener) {
  boost::asio::io_context io;
  RecordingListener listener;
  HttpCallbackSink sink(io.get_executor(), listener, {});
  Answer answer;
  sink.OnInboundBody("a", kJson, R"({"from":"+447911123456","to":"12345","text":"STOP"})", answer.Done());
  io.run();
  ASSERT_EQ(listener.inbound_messages.size(), 1u);
  EXPECT_EQ(listener.inbound_messages[0].second.from, "+447911123456");
  EXPECT_EQ(listener.inbound_messages[0].second.to, "12345");
  EXPECT_EQ(listener.inbound_messages[0].second.text, "STOP");
  ASSERT_TRUE(answer.status);
  EXPECT_TRUE(answer.status->ok());
}

TEST(HttpCallbackSinkTest, NotRecordedIsStorageUnavailable) {
  boost::asio::io_context io;
  RecordingListener listener;
  listener.recorded = false;
  HttpCallbackSink sink(io.get_executor(), listener, {});
  Answer answer;
  sink.OnReceiptBody("a", kJson, R"({"carrier_message_id":"1","status":"DELIVRD"})", answer.Done());
  io.run();
  ASSERT_TRUE(answer.status);
  ASSERT_FALSE(answer.status->ok());
  EXPECT_EQ(answer.status->error().code, "storage_unavailable");
  EXPECT_EQ(answer.status->error().detail, "the callback could not be recorded");
}

TEST(HttpCallbackSinkTest, AMalformedBodyIsAnsweredAtOnceAndRecordsNothing) {
  boost::asio::io_context io;
  RecordingListener listener;
  HttpCallbackSink sink(io.get_executor(), listener, {});
  Answer answer;
  sink.OnReceiptBody("a", kJson, R"({"status":"DELIVRD"})", answer.Done());
  ASSERT_TRUE(answer.status);
  EXPECT_EQ(answer.status->error().code, "invalid_field");
  EXPECT_EQ(answer.status->error().field, "carrier_message_id");
  Answer inbound;
  sink.OnInboundBody("a", kJson, "not json", inbound.Done());
  ASSERT_TRUE(inbound.status);
  EXPECT_EQ(inbound.status->error().code, "invalid_json");
  io.run();
  EXPECT_TRUE(listener.receipts.empty());
  EXPECT_TRUE(listener.inbound_messages.empty());
}

TEST(HttpCallbackSinkTest, WithoutAListenerItReadsButRecordsNothing) {
  HttpCallbackSink sink;
  Answer malformed;
  sink.OnReceiptBody("a", kJson, "[1,2", malformed.Done());
  ASSERT_TRUE(malformed.status);
  EXPECT_EQ(malformed.status->error().code, "invalid_json");
  Answer fine;
  sink.OnInboundBody("a", kJson, R"({"from":"+447911123456","to":"12345","text":"HELP"})", fine.Done());
  ASSERT_TRUE(fine.status);
  EXPECT_EQ(fine.status->error().code, "storage_unavailable");
  EXPECT_EQ(fine.status->error().detail, "this process does not deliver");
}

}  // namespace
}  // namespace deliverer::carriers::http
