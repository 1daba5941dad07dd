// The client session state machine, driven with a fake time and a recording transport.
#include "smpp/session.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace deliverer::smpp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RecordingTransport : public SessionTransport {
 public:
  void Send(const Pdu& pdu) override { sent.push_back(pdu); }
  void Disconnect(std::string_view reason) override { disconnects.emplace_back(reason); }

  // The sent PDUs of one type, in order.
  template <class T>
  std::vector<Pdu> Of() const {
    std::vector<Pdu> out;
    for (const Pdu& pdu : sent) {
      if (std::holds_alternative<T>(pdu.body)) out.push_back(pdu);
    }
    return out;
  }

  std::vector<Pdu> sent;
  std::vector<std::string> disconnects;
};

class RecordingHandler : public SessionHandler {
 public:
  void OnBound() override { ++bound; }
  void OnBindRefused(uint32_t status) override { refused.push_back(status); }
  void OnSubmitDone(SubmitId id, SubmitOutcome&& outcome) override {
    EXPECT_FALSE(done.contains(id)) << "submit " << id << " completed twice";
    done[id] = std::move(outcome);
  }
  void OnDeliverSm(DeliverRef ref, DeliverSm&& pdu) override {
    delivered.emplace_back(ref, std::move(pdu));
  }

  int bound = 0;
  std::vector<uint32_t> refused;
  std::map<SubmitId, SubmitOutcome> done;
  std::vector<std::pair<DeliverRef, DeliverSm>> delivered;
};

SubmitSm MakeSubmit(std::string destination) {
  SubmitSm sm;
  sm.source_addr = "Deliverer";
  sm.source_addr_ton = 5;
  sm.destination_addr = std::move(destination);
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.registered_delivery = 1;
  sm.short_message = {'h', 'i'};
  return sm;
}

Pdu SubmitResp(uint32_t sequence, uint32_t status, std::string id = "") {
  SubmitSmResp resp;
  if (status == 0) resp.message_id = std::move(id);
  return MakePdu(std::move(resp), sequence, status);
}

class SessionTest : public ::testing::Test {
 protected:
  SessionConfig Config() {
    SessionConfig config;
    config.system_id = "deliverer";
    config.password = "secret";
    config.window = 3;
    config.response_timeout = seconds(10);
    config.enquire_link_interval = seconds(30);
    return config;
  }

  void Make(SessionConfig config) {
    session_ = std::make_unique<Session>(std::move(config), transport_, handler_, rate_);
  }

  void Bind() {
    if (!session_) Make(Config());
    session_->OnConnected(now_);
    const uint32_t sequence = transport_.sent.back().header.sequence_number;
    session_->OnPdu(MakePdu(BindTransceiverResp{.system_id = "SMSC"}, sequence), now_);
    ASSERT_EQ(session_->state(), SessionState::kBound);
  }

  // Sequence numbers of the submit_sm sent so far, in order.
  std::vector<uint32_t> SubmitSequences() const {
    std::vector<uint32_t> out;
    for (const Pdu& pdu : transport_.Of<SubmitSm>()) out.push_back(pdu.header.sequence_number);
    return out;
  }

  void Advance(milliseconds by) {
    now_ += by;
    session_->OnTick(now_);
  }

  TimePoint now_ = TimePoint(seconds(1'764'000'000));
  RecordingTransport transport_;
  RecordingHandler handler_;
  AdaptiveRate rate_{0};
  std::unique_ptr<Session> session_;
};

TEST_F(SessionTest, ConnectSendsBindTransceiverWithCredentials) {
  Make(Config());
  session_->OnConnected(now_);
  ASSERT_EQ(transport_.sent.size(), 1u);
  const auto& bind = std::get<BindTransceiver>(transport_.sent[0].body);
  EXPECT_EQ(bind.system_id, "deliverer");
  EXPECT_EQ(bind.password, "secret");
  EXPECT_EQ(bind.interface_version, 0x34);
  EXPECT_EQ(transport_.sent[0].header.sequence_number, 1u);
  EXPECT_EQ(session_->state(), SessionState::kBinding);
  EXPECT_FALSE(session_->CanSubmit());
}

TEST_F(SessionTest, TransmitterAndReceiverModesSendTheirBind) {
  auto config = Config();
  config.bind_mode = BindMode::kTransmitter;
  Make(config);
  session_->OnConnected(now_);
  EXPECT_TRUE(std::holds_alternative<BindTransmitter>(transport_.sent.back().body));
  config.bind_mode = BindMode::kReceiver;
  Make(config);
  session_->OnConnected(now_);
  EXPECT_TRUE(std::holds_alternative<BindReceiver>(transport_.sent.back().body));
}

TEST_F(SessionTest, BindAcceptedMakesTheSessionBound) {
  Bind();
  EXPECT_EQ(handler_.bound, 1);
  EXPECT_TRUE(session_->CanSubmit());
}

TEST_F(SessionTest, BindRefusedIsReportedAndDisconnects) {
  Make(Config());
  session_->OnConnected(now_);
  session_->OnPdu(MakePdu(BindTransceiverResp{}, 1, kEsmeRInvPaswd), now_);
  EXPECT_EQ(handler_.refused, std::vector<uint32_t>{kEsmeRInvPaswd});
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"bind refused"});
  EXPECT_EQ(handler_.bound, 0);
}

TEST_F(SessionTest, BindWithoutAnswerTimesOut) {
  Make(Config());
  session_->OnConnected(now_);
  EXPECT_EQ(session_->NextDeadline(now_), now_ + seconds(10));
  Advance(seconds(9));
  EXPECT_TRUE(transport_.disconnects.empty());
  Advance(seconds(1));
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"bind timeout"});
}

TEST_F(SessionTest, SubmitWhenNotBoundIsRefusedWithoutCallback) {
  Make(Config());
  EXPECT_FALSE(session_->Submit(1, MakeSubmit("447700900001"), now_));
  EXPECT_TRUE(handler_.done.empty());
}

TEST_F(SessionTest, WindowLimitsOutstandingAndResponsesMatchOutOfOrder) {
  Bind();
  for (SubmitId id = 1; id <= 5; ++id) {
    ASSERT_TRUE(session_->Submit(id, MakeSubmit("44770090000" + std::to_string(id)), now_));
  }
  auto sequences = SubmitSequences();
  ASSERT_EQ(sequences.size(), 3u);
  EXPECT_EQ(session_->outstanding(), 3u);
  EXPECT_EQ(session_->queued(), 2u);

  // Answers in reverse order; each frees a slot for a queued submit.
  session_->OnPdu(SubmitResp(sequences[2], 0, "C3"), now_);
  session_->OnPdu(SubmitResp(sequences[1], 0, "C2"), now_);
  session_->OnPdu(SubmitResp(sequences[0], 0, "C1"), now_);
  EXPECT_EQ(handler_.done[1].message_id, "C1");
  EXPECT_EQ(handler_.done[2].message_id, "C2");
  EXPECT_EQ(handler_.done[3].message_id, "C3");
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kAccepted);

  sequences = SubmitSequences();
  ASSERT_EQ(sequences.size(), 5u);
  EXPECT_EQ(std::get<SubmitSm>(transport_.Of<SubmitSm>()[3].body).destination_addr, "447700900004");
  session_->OnPdu(SubmitResp(sequences[4], 0, "C5"), now_);
  session_->OnPdu(SubmitResp(sequences[3], 0, "C4"), now_);
  EXPECT_EQ(handler_.done.size(), 5u);
  EXPECT_EQ(handler_.done[4].message_id, "C4");
  EXPECT_EQ(session_->outstanding(), 0u);
}

TEST_F(SessionTest, SequenceNumbersAreUniqueAndIncreasing) {
  Bind();
  for (SubmitId id = 1; id <= 3; ++id) session_->Submit(id, MakeSubmit("447700900001"), now_);
  std::vector<uint32_t> all;
  for (const Pdu& pdu : transport_.sent) all.push_back(pdu.header.sequence_number);
  EXPECT_EQ(all, (std::vector<uint32_t>{1, 2, 3, 4}));
}

TEST_F(SessionTest, ErrorAnswersAreClassifiedByTheStatusTable) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->Submit(2, MakeSubmit("447700900002"), now_);
  const auto sequences = SubmitSequences();
  session_->OnPdu(SubmitResp(sequences[0], kEsmeRInvDstAdr), now_);
  session_->OnPdu(SubmitResp(sequences[1], kEsmeRSysErr), now_);
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kPermanent);
  EXPECT_EQ(handler_.done[1].command_status, kEsmeRInvDstAdr);
  EXPECT_EQ(handler_.done[2].result, SubmitResult::kTransient);
  EXPECT_EQ(handler_.done[2].command_status, kEsmeRSysErr);
}

TEST_F(SessionTest, GenericNackForASubmitEndsIt) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->OnPdu(MakeGenericNack(SubmitSequences()[0], kEsmeRInvCmdLen), now_);
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kPermanent);
  EXPECT_EQ(handler_.done[1].command_status, kEsmeRInvCmdLen);
}

TEST_F(SessionTest, ThrottledSubmitIsRequeuedAndSlowsTheRate) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->OnPdu(SubmitResp(SubmitSequences()[0], kEsmeRThrottled), now_);
  EXPECT_TRUE(handler_.done.empty()) << "a throttled submit is retried, not reported";
  EXPECT_EQ(session_->queued(), 1u);
  EXPECT_GE(rate_.current_tps(), AdaptiveRate::kMinTps);

  // The bucket was emptied: the resend waits for the next token.
  const TimePoint next = session_->NextDeadline(now_);
  EXPECT_GT(next, now_);
  now_ = next;
  session_->OnTick(now_);
  const auto sequences = SubmitSequences();
  ASSERT_EQ(sequences.size(), 2u);
  EXPECT_NE(sequences[1], sequences[0]);
  session_->OnPdu(SubmitResp(sequences[1], 0, "ID"), now_);
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kAccepted);
  EXPECT_EQ(handler_.done[1].throttled, 1u);
}

TEST_F(SessionTest, SubmitThrottledTooOftenIsHandedBackAsTransient) {
  auto config = Config();
  config.max_throttle_requeues = 2;
  Make(config);
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  for (int answer = 0; answer < 3; ++answer) {
    session_->OnPdu(SubmitResp(SubmitSequences().back(), kEsmeRMsgQFul), now_);
    now_ = std::max(now_, session_->NextDeadline(now_));
    session_->OnTick(now_);
  }
  ASSERT_TRUE(handler_.done.contains(1));
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kTransient);
  EXPECT_EQ(handler_.done[1].command_status, kEsmeRMsgQFul);
  EXPECT_EQ(handler_.done[1].throttled, 2u);
}

TEST_F(SessionTest, ResponseTimeoutIsUnknownAndRebindsAfterTheOthersAnswer) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  Advance(seconds(5));
  session_->Submit(2, MakeSubmit("447700900002"), now_);
  session_->Submit(3, MakeSubmit("447700900003"), now_);
  session_->Submit(4, MakeSubmit("447700900004"), now_);  // queued: window is 3
  const auto sequences = SubmitSequences();

  Advance(seconds(5));  // submit 1 times out
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kUnknown);
  EXPECT_EQ(handler_.done[4].result, SubmitResult::kNotSent);
  EXPECT_EQ(session_->state(), SessionState::kDraining);
  EXPECT_FALSE(session_->Submit(5, MakeSubmit("447700900005"), now_));
  EXPECT_TRUE(transport_.disconnects.empty());

  // R6: only the timed-out submit is in doubt; the others still get their answers.
  session_->OnPdu(SubmitResp(sequences[1], 0, "B"), now_);
  EXPECT_TRUE(transport_.disconnects.empty());
  session_->OnPdu(SubmitResp(sequences[2], 0, "C"), now_);
  EXPECT_EQ(handler_.done[2].result, SubmitResult::kAccepted);
  EXPECT_EQ(handler_.done[3].result, SubmitResult::kAccepted);
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"response timeout"});
  EXPECT_EQ(SubmitSequences().size(), 3u);
}

TEST_F(SessionTest, DisconnectMidWindowEndsEverySubmitExactlyOnce) {
  Bind();
  for (SubmitId id = 1; id <= 5; ++id) session_->Submit(id, MakeSubmit("447700900001"), now_);
  const auto sequences = SubmitSequences();
  session_->OnPdu(SubmitResp(sequences[0], 0, "A"), now_);  // 4 is sent, 5 still queued
  session_->OnDisconnected(now_);

  ASSERT_EQ(handler_.done.size(), 5u);
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kAccepted);
  EXPECT_EQ(handler_.done[2].result, SubmitResult::kUnknown);
  EXPECT_EQ(handler_.done[3].result, SubmitResult::kUnknown);
  EXPECT_EQ(handler_.done[4].result, SubmitResult::kUnknown);
  EXPECT_EQ(handler_.done[5].result, SubmitResult::kNotSent);
  EXPECT_EQ(session_->state(), SessionState::kDisconnected);

  // A late answer from the old link changes nothing (RecordingHandler fails on a repeat).
  session_->OnConnected(now_);
  session_->OnPdu(SubmitResp(sequences[1], 0, "LATE"), now_);
  EXPECT_EQ(handler_.done[2].result, SubmitResult::kUnknown);
}

TEST_F(SessionTest, IdleLinkSendsEnquireLinkAndDropsWhenUnanswered) {
  Bind();
  EXPECT_EQ(session_->NextDeadline(now_), now_ + seconds(30));
  Advance(seconds(30));
  auto probes = transport_.Of<EnquireLink>();
  ASSERT_EQ(probes.size(), 1u);
  session_->OnPdu(MakePdu(EnquireLinkResp{}, probes[0].header.sequence_number), now_);
  Advance(seconds(29));
  EXPECT_EQ(transport_.Of<EnquireLink>().size(), 1u);
  Advance(seconds(1));
  EXPECT_EQ(transport_.Of<EnquireLink>().size(), 2u);
  Advance(seconds(10));
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"enquire_link timeout"});
}

TEST_F(SessionTest, TrafficFromThePeerPostponesEnquireLink) {
  Bind();
  Advance(seconds(20));
  session_->OnPdu(MakePdu(EnquireLink{}, 77), now_);
  Advance(seconds(20));
  EXPECT_TRUE(transport_.Of<EnquireLink>().empty());
}

TEST_F(SessionTest, PeerEnquireLinkIsAnsweredWithItsSequence) {
  Bind();
  session_->OnPdu(MakePdu(EnquireLink{}, 4242), now_);
  const auto answers = transport_.Of<EnquireLinkResp>();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].header.sequence_number, 4242u);
}

TEST_F(SessionTest, PeerUnbindIsAnsweredThenDisconnects) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->OnPdu(MakePdu(Unbind{}, 9), now_);
  ASSERT_EQ(transport_.Of<UnbindResp>().size(), 1u);
  EXPECT_EQ(transport_.Of<UnbindResp>()[0].header.sequence_number, 9u);
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"peer unbind"});
  session_->OnDisconnected(now_);
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kUnknown);
}

TEST_F(SessionTest, DeliverSmGoesUpAndIsAnsweredOnlyWhenTheHandlerSays) {
  Bind();
  DeliverSm receipt;
  receipt.esm_class = 0x04;
  receipt.short_message = {'i', 'd', ':', '1'};
  session_->OnPdu(MakePdu(receipt, 500), now_);
  ASSERT_EQ(handler_.delivered.size(), 1u);
  EXPECT_TRUE(transport_.Of<DeliverSmResp>().empty()) << "answered before it was recorded";
  session_->AnswerDeliver(handler_.delivered[0].first, kEsmeRxTAppn);
  const auto answers = transport_.Of<DeliverSmResp>();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].header.sequence_number, 500u);
  EXPECT_EQ(answers[0].header.command_status, kEsmeRxTAppn);
}

TEST_F(SessionTest, AnswerForAnOldConnectionIsNotSent) {
  Bind();
  session_->OnPdu(MakePdu(DeliverSm{}, 500), now_);
  const DeliverRef ref = handler_.delivered[0].first;
  session_->OnDisconnected(now_);
  Bind();
  session_->AnswerDeliver(ref, kEsmeROk);
  EXPECT_TRUE(transport_.Of<DeliverSmResp>().empty());
}

TEST_F(SessionTest, TransmitterBindRefusesDeliverSm) {
  auto config = Config();
  config.bind_mode = BindMode::kTransmitter;
  Make(config);
  session_->OnConnected(now_);
  session_->OnPdu(MakePdu(BindTransmitterResp{}, 1), now_);
  session_->OnPdu(MakePdu(DeliverSm{}, 8), now_);
  EXPECT_TRUE(handler_.delivered.empty());
  ASSERT_EQ(transport_.Of<DeliverSmResp>().size(), 1u);
  EXPECT_EQ(transport_.Of<DeliverSmResp>()[0].header.command_status, kEsmeRInvBndSts);
}

TEST_F(SessionTest, ReceiverBindTakesNoSubmits) {
  auto config = Config();
  config.bind_mode = BindMode::kReceiver;
  Make(config);
  session_->OnConnected(now_);
  session_->OnPdu(MakePdu(BindReceiverResp{}, 1), now_);
  EXPECT_EQ(session_->state(), SessionState::kBound);
  EXPECT_FALSE(session_->Submit(1, MakeSubmit("447700900001"), now_));
}

TEST_F(SessionTest, MalformedRequestGetsGenericNackAndTheBindStays) {
  Bind();
  session_->OnMalformed(Header{.command_id = DeliverSm::kCommandId, .sequence_number = 31},
                        kEsmeRInvSrcAdr, now_);
  const auto nacks = transport_.Of<GenericNack>();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].header.sequence_number, 31u);
  EXPECT_EQ(nacks[0].header.command_status, kEsmeRInvSrcAdr);
  EXPECT_EQ(session_->state(), SessionState::kBound);
  EXPECT_TRUE(transport_.disconnects.empty());
}

TEST_F(SessionTest, UnreadableSubmitAnswerIsUnknown) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->OnMalformed(
      Header{.command_id = SubmitSmResp::kCommandId, .sequence_number = SubmitSequences()[0]},
      kEsmeRInvMsgId, now_);
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kUnknown);
  EXPECT_TRUE(transport_.Of<GenericNack>().empty()) << "responses are never nacked";
}

TEST_F(SessionTest, ShutdownDrainsTheWindowThenUnbinds) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->Submit(2, MakeSubmit("447700900002"), now_);
  session_->Submit(3, MakeSubmit("447700900003"), now_);
  session_->Submit(4, MakeSubmit("447700900004"), now_);
  const auto sequences = SubmitSequences();
  session_->Shutdown(now_, now_ + seconds(5));
  EXPECT_EQ(handler_.done[4].result, SubmitResult::kNotSent);
  EXPECT_FALSE(session_->CanSubmit());
  EXPECT_TRUE(transport_.Of<Unbind>().empty());

  for (uint32_t sequence : sequences) session_->OnPdu(SubmitResp(sequence, 0, "X"), now_);
  ASSERT_EQ(transport_.Of<Unbind>().size(), 1u);
  EXPECT_EQ(session_->state(), SessionState::kUnbinding);
  session_->OnPdu(MakePdu(UnbindResp{}, transport_.Of<Unbind>()[0].header.sequence_number), now_);
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"unbound"});
  session_->OnDisconnected(now_);
  EXPECT_EQ(session_->state(), SessionState::kStopped);
  for (SubmitId id = 1; id <= 3; ++id) EXPECT_EQ(handler_.done[id].result, SubmitResult::kAccepted);
}

TEST_F(SessionTest, ShutdownDeadlineEndsTheWaitForAnswers) {
  Bind();
  session_->Submit(1, MakeSubmit("447700900001"), now_);
  session_->Shutdown(now_, now_ + seconds(2));
  Advance(seconds(2));
  EXPECT_EQ(handler_.done[1].result, SubmitResult::kUnknown);
  EXPECT_EQ(transport_.Of<Unbind>().size(), 1u);
  Advance(seconds(5));
  EXPECT_EQ(transport_.disconnects, std::vector<std::string>{"unbind timeout"});
}

}  // namespace
}  // namespace deliverer::smpp
