#pragma once
// A scripted carriers::Carrier for the engine tests. It records every CarrierSubmit and
// answers it either at once (posted on the io_context, as a real connector answers from
// its read loop) or, while holding, keeps the SubmitCallback until the test releases it.
//
// Threading: like a real carrier, everything runs on the io_context's thread; the tests
// run that io_context on their own thread, so no locking is needed.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "carriers/carrier.h"

namespace deliverer::delivery::testing {

using Kind = carriers::SubmitReport::Kind;

// What a carrier says for each kind, as an SMPP connector would fill it in.
inline carriers::SubmitReport ReportOf(Kind kind) {
  carriers::SubmitReport report;
  report.kind = kind;
  switch (kind) {
    case Kind::kAccepted:
      break;
    case Kind::kPermanent:
      report.carrier_code = "0x0000000B";
      report.detail = "invalid destination address";
      break;
    case Kind::kTransient:
      report.carrier_code = "0x00000058";
      report.detail = "throttled";
      break;
    case Kind::kUnknown:
      report.detail = "no submit_sm_resp within 10 s";
      break;
    case Kind::kNotSent:
      report.detail = "no bind up";
      break;
  }
  return report;
}

class FakeCarrier final : public carriers::Carrier {
 public:
  // Decides the answer to one submit; when unset, queued answers are used, then kAccepted.
  using Script = std::function<Kind(const carriers::CarrierSubmit&)>;
  // Decides the answer to each segment of a submit (by its position in the submit), as an
  // SMSC answers each submit_sm; the report is then the worst of them, with the accepted
  // segments listed, as the SMPP connector reports it. Takes precedence over Script.
  using SegmentScript = std::function<Kind(const carriers::CarrierSubmit&, size_t position)>;

  // One accepted segment, so that the test can send its receipt.
  struct Accepted {
    std::string message_id;
    std::string carrier_id;  // also the match key
  };

  FakeCarrier(boost::asio::io_context& io, std::string id) : io_(io), id_(std::move(id)) {}

  // carriers::Carrier
  const std::string& id() const override { return id_; }
  void Start() override { started_ = true; }
  void Stop(Millis, std::function<void()> done) override {
    boost::asio::post(io_, std::move(done));
  }
  bool CanSubmit() const override { return can_submit_ && held_.size() < window_; }
  void Submit(carriers::CarrierSubmit submit, carriers::SubmitCallback done) override {
    submits_.push_back(submit);
    if (holding_) {
      held_.push_back(Held{std::move(submit), std::move(done)});
      return;
    }
    if (segment_script_) {
      boost::asio::post(io_, [this, submit = std::move(submit), done = std::move(done)] {
        done(SegmentReport(submit));
      });
      return;
    }
    const Kind kind = NextKind(submit);
    boost::asio::post(io_, [this, submit = std::move(submit), done = std::move(done), kind] {
      done(Report(submit, kind));
    });
  }
  carriers::CarrierState State() const override {
    carriers::CarrierState state;
    state.id = id_;
    state.protocol = "fake";
    state.links = 1;
    state.links_up = can_submit_ ? 1 : 0;
    state.submitted = submits_.size();
    return state;
  }

  // Test controls.
  void set_can_submit(bool can) { can_submit_ = can; }
  // While holding: CanSubmit is false once this many submits are held.
  void set_window(size_t window) { window_ = window; }
  void set_script(Script script) { script_ = std::move(script); }
  void set_segment_script(SegmentScript script) { segment_script_ = std::move(script); }
  // The next submits get these answers, in order.
  void Answer(std::initializer_list<Kind> kinds) { answers_.insert(answers_.end(), kinds); }
  // From now on, submits wait for Release.
  void Hold() { holding_ = true; }
  size_t held() const { return held_.size(); }
  // Answers the oldest held submit with `kind`; the callback runs at once, as it would
  // from a connector's read handler.
  void ReleaseOldest(Kind kind) {
    Held held = std::move(held_.front());
    held_.pop_front();
    held.done(Report(held.submit, kind));
  }

  // Answers the oldest held submit with `kind` and this carrier code instead of the usual one.
  void ReleaseOldestAs(Kind kind, std::string carrier_code) {
    Held held = std::move(held_.front());
    held_.pop_front();
    carriers::SubmitReport report = Report(held.submit, kind);
    report.carrier_code = std::move(carrier_code);
    held.done(std::move(report));
  }

  bool started() const { return started_; }
  const std::vector<carriers::CarrierSubmit>& submits() const { return submits_; }
  size_t SubmitsOf(const std::string& message_id) const {
    size_t n = 0;
    for (const auto& s : submits_) n += s.message_id == message_id ? 1 : 0;
    return n;
  }
  const std::vector<Accepted>& accepted() const { return accepted_; }
  // The carrier id the next accepted segment will get.
  std::string NextCarrierId() const { return id_ + "-" + std::to_string(next_carrier_id_ + 1); }
  // The carrier ids of `message_id`'s accepted segments, in segment order.
  std::vector<std::string> CarrierIdsOf(const std::string& message_id) const {
    std::vector<std::string> ids;
    for (const Accepted& a : accepted_) {
      if (a.message_id == message_id) ids.push_back(a.carrier_id);
    }
    return ids;
  }

 private:
  struct Held {
    carriers::CarrierSubmit submit;
    carriers::SubmitCallback done;
  };

  Kind NextKind(const carriers::CarrierSubmit& submit) {
    if (script_) return script_(submit);
    if (answers_.empty()) return Kind::kAccepted;
    const Kind kind = answers_.front();
    answers_.pop_front();
    return kind;
  }

  carriers::SubmitReport Report(const carriers::CarrierSubmit& submit, Kind kind) {
    carriers::SubmitReport report = ReportOf(kind);
    if (kind != Kind::kAccepted) return report;
    for (size_t i = 0; i < submit.segments.size(); ++i) {
      std::string carrier_id = id_ + "-" + std::to_string(++next_carrier_id_);
      report.accepted.push_back(
          carriers::AcceptedSegment{static_cast<int>(i), carrier_id, carrier_id});
      accepted_.push_back(Accepted{submit.message_id, std::move(carrier_id)});
    }
    return report;
  }

  carriers::SubmitReport SegmentReport(const carriers::CarrierSubmit& submit) {
    auto rank = [](Kind k) {
      switch (k) {
        case Kind::kPermanent: return 4;
        case Kind::kUnknown: return 3;
        case Kind::kTransient: return 2;
        case Kind::kNotSent: return 1;
        case Kind::kAccepted: return 0;
      }
      return 0;
    };
    carriers::SubmitReport report = ReportOf(Kind::kAccepted);
    for (size_t i = 0; i < submit.segments.size(); ++i) {
      const Kind kind = segment_script_(submit, i);
      if (kind == Kind::kAccepted) {
        std::string carrier_id = id_ + "-" + std::to_string(++next_carrier_id_);
        report.accepted.push_back(carriers::AcceptedSegment{static_cast<int>(i), carrier_id, carrier_id});
        accepted_.push_back(Accepted{submit.message_id, std::move(carrier_id)});
      } else if (rank(kind) > rank(report.kind)) {
        std::vector<carriers::AcceptedSegment> accepted = std::move(report.accepted);
        report = ReportOf(kind);
        report.accepted = std::move(accepted);
      }
    }
    return report;
  }

  boost::asio::io_context& io_;
  const std::string id_;
  bool started_ = false;
  bool can_submit_ = true;
  size_t window_ = SIZE_MAX;
  bool holding_ = false;
  Script script_;
  SegmentScript segment_script_;
  std::deque<Kind> answers_;
  std::deque<Held> held_;
  std::vector<carriers::CarrierSubmit> submits_;
  std::vector<Accepted> accepted_;
  uint64_t next_carrier_id_ = 0;
};

}  // namespace deliverer::delivery::testing
