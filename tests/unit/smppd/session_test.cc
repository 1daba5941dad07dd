// The server side of an SMPP session (smppd/session.h), driven with a fake time.
#include "smppd/session.h"

#include <gtest/gtest.h>

#include <vector>

#include "smpp/status.h"

namespace deliverer::smppd {
namespace {

class Recorder final : public SessionCallbacks {
 public:
  void Send(const smpp::Pdu& pdu) override { sent.push_back(pdu); }
  void Close(std::string_view reason) override { closed = std::string(reason); }
  void OnBind(const BindRequest& request) override { binds.push_back(request); }
  void OnSubmit(uint32_t sequence, smpp::Pdu&&) override { submits.push_back(sequence); }
  void OnDeliverAnswer(uint32_t sequence, uint32_t status) override { answers.emplace_back(sequence, status); }

  std::vector<smpp::Pdu> sent;
  std::string closed;
  std::vector<BindRequest> binds;
  std::vector<uint32_t> submits;
  std::vector<std::pair<uint32_t, uint32_t>> answers;
};

class ServerSessionTest : public ::testing::Test {
 protected:
  ServerSessionTest() : session_(SessionLimits{.window = 2, .deliver_window = 1}, recorder_) {
    session_.OnConnected(now_);
  }
  void Receive(smpp::Body body, uint32_t seq) { session_.OnPdu(smpp::MakePdu(std::move(body), seq), now_); }
  void Bind(BindKind kind = BindKind::kTransceiver) {
    if (kind == BindKind::kReceiver) {
      Receive(smpp::BindReceiver{"esme1", "secret", "", 0x34, 0, 0, ""}, 1);
    } else if (kind == BindKind::kTransmitter) {
      Receive(smpp::BindTransmitter{"esme1", "secret", "", 0x34, 0, 0, ""}, 1);
    } else {
      Receive(smpp::BindTransceiver{"esme1", "secret", "", 0x34, 0, 0, ""}, 1);
    }
    ASSERT_EQ(recorder_.binds.size(), 1u);
    session_.AcceptBind(recorder_.binds.back(), "deliverer");
  }
  const smpp::Pdu& Last() { return recorder_.sent.back(); }

  TimePoint now_{Millis(1'000'000)};
  Recorder recorder_;
  ServerSession session_;
};

TEST_F(ServerSessionTest, BindIsAnsweredOnlyOnceItIsVerified) {
  Receive(smpp::BindTransceiver{"esme1", "secret", "", 0x34, 0, 0, ""}, 7);
  EXPECT_TRUE(recorder_.sent.empty());
  EXPECT_EQ(recorder_.binds.front().system_id, "esme1");
  EXPECT_EQ(session_.state(), SessionState::kBinding);
  session_.AcceptBind(recorder_.binds.front(), "deliverer");
  ASSERT_TRUE(std::holds_alternative<smpp::BindTransceiverResp>(Last().body));
  EXPECT_EQ(Last().header.sequence_number, 7u);
  EXPECT_EQ(Last().header.command_status, 0u);
  EXPECT_EQ(std::get<smpp::BindTransceiverResp>(Last().body).system_id, "deliverer");
  EXPECT_TRUE(session_.can_receive());
}

TEST_F(ServerSessionTest, ARefusedBindClosesAfterItsAnswer) {
  Receive(smpp::BindTransmitter{"esme1", "wrong", "", 0x34, 0, 0, ""}, 3);
  session_.RefuseBind(recorder_.binds.front(), smpp::kEsmeRInvPaswd);
  ASSERT_TRUE(std::holds_alternative<smpp::BindTransmitterResp>(Last().body));
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRInvPaswd);
  EXPECT_EQ(recorder_.closed, "bind refused");
}

TEST_F(ServerSessionTest, NothingButBindBeforeABind) {
  Receive(smpp::SubmitSm{}, 2);
  ASSERT_TRUE(std::holds_alternative<smpp::SubmitSmResp>(Last().body));
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRInvBndSts);
  Receive(smpp::EnquireLink{}, 3);
  EXPECT_TRUE(std::holds_alternative<smpp::EnquireLinkResp>(Last().body));
  EXPECT_TRUE(recorder_.submits.empty());
}

TEST_F(ServerSessionTest, ASecondBindIsAlreadyBound) {
  Bind();
  Receive(smpp::BindTransceiver{"esme1", "secret", "", 0x34, 0, 0, ""}, 9);
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRAlyBnd);
  EXPECT_EQ(recorder_.binds.size(), 1u);
}

TEST_F(ServerSessionTest, SubmitsBeyondTheWindowAreThrottled) {
  Bind();
  Receive(smpp::SubmitSm{}, 10);
  Receive(smpp::DataSm{}, 11);
  Receive(smpp::SubmitSm{}, 12);
  EXPECT_EQ(recorder_.submits, (std::vector<uint32_t>{10, 11}));
  EXPECT_EQ(Last().header.sequence_number, 12u);
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRThrottled);
  session_.AnswerSubmit(11, smpp::kEsmeROk, "id-11");
  ASSERT_TRUE(std::holds_alternative<smpp::DataSmResp>(Last().body)) << "a data_sm gets data_sm_resp";
  EXPECT_EQ(std::get<smpp::DataSmResp>(Last().body).message_id, "id-11");
  Receive(smpp::SubmitSm{}, 13);
  EXPECT_EQ(recorder_.submits.back(), 13u) << "room again";
}

TEST_F(ServerSessionTest, AReceiverBindCannotSubmit) {
  Bind(BindKind::kReceiver);
  Receive(smpp::SubmitSm{}, 5);
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRInvBndSts);
}

TEST_F(ServerSessionTest, MalformedRequestsAreNackedAndTheBindKept) {
  Bind();
  smpp::Malformed malformed;
  malformed.header.command_id = 0x00000004;
  malformed.header.sequence_number = 44;
  malformed.status = smpp::kEsmeRInvMsgLen;
  session_.OnMalformed(malformed, now_);
  ASSERT_TRUE(std::holds_alternative<smpp::GenericNack>(Last().body));
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRInvMsgLen);
  EXPECT_EQ(session_.state(), SessionState::kBound);
  session_.OnPdu(smpp::Pdu{smpp::Header{16, 0x00000003, 0, 45}, smpp::Unbind{}}, now_);
  EXPECT_EQ(session_.state(), SessionState::kClosed);
}

TEST_F(ServerSessionTest, UnknownCommandsGetInvalidCommandId) {
  Bind();
  Receive(smpp::DeliverSm{}, 8);
  EXPECT_EQ(Last().header.command_status, smpp::kEsmeRInvBndSts);
  Receive(smpp::Unbind{}, 9);
  EXPECT_TRUE(std::holds_alternative<smpp::UnbindResp>(Last().body));
  EXPECT_EQ(recorder_.closed, "unbind");
}

TEST_F(ServerSessionTest, DeliveriesWaitForTheirAnswerWithinTheWindow) {
  Bind(BindKind::kReceiver);
  uint32_t seq = 0;
  ASSERT_TRUE(session_.Deliver(smpp::DeliverSm{}, now_, &seq));
  EXPECT_FALSE(session_.CanDeliver()) << "deliver_window 1";
  session_.OnPdu(smpp::MakePdu(smpp::DeliverSmResp{}, seq, 0), now_);
  ASSERT_EQ(recorder_.answers.size(), 1u);
  EXPECT_EQ(recorder_.answers[0], std::make_pair(seq, 0u));
  ASSERT_TRUE(session_.Deliver(smpp::DeliverSm{}, now_, &seq));
  session_.OnTick(now_ + Millis(10'001));
  EXPECT_EQ(recorder_.answers.back(), std::make_pair(seq, kNoAnswer));
}

TEST_F(ServerSessionTest, ATransmitterGetsNoDeliveries) {
  Bind(BindKind::kTransmitter);
  uint32_t seq = 0;
  EXPECT_FALSE(session_.Deliver(smpp::DeliverSm{}, now_, &seq));
}

TEST_F(ServerSessionTest, AConnectionThatNeverBindsOrGoesSilentIsClosed) {
  session_.OnTick(now_ + Millis(10'000));
  EXPECT_EQ(recorder_.closed, "not bound in time");

  Recorder other;
  ServerSession idle(SessionLimits{}, other);
  idle.OnConnected(now_);
  idle.OnPdu(smpp::MakePdu(smpp::BindTransceiver{"a", "b", "", 0x34, 0, 0, ""}, 1), now_);
  idle.AcceptBind(other.binds.front(), "x");
  idle.OnTick(now_ + Millis(119'000));
  EXPECT_EQ(other.closed, "");
  idle.OnTick(now_ + Millis(120'000));
  EXPECT_EQ(other.closed, "idle");
}

TEST_F(ServerSessionTest, AnswersAfterTheConnectionWentAreDropped) {
  Bind();
  Receive(smpp::SubmitSm{}, 10);
  const size_t sent = recorder_.sent.size();
  session_.OnDisconnected();
  session_.AnswerSubmit(10, smpp::kEsmeROk, "id");
  EXPECT_EQ(recorder_.sent.size(), sent);
}

}  // namespace
}  // namespace deliverer::smppd
