#pragma once
// Everything a run observes, kept per message: what was sent, what the gateway answered,
// and which webhooks came back. Pure: the I/O side feeds it events with their times
// (Unix microseconds from one clock), and Fill() turns them into the report's figures.
//
// A webhook may arrive before the 2xx that accepted its message has been read (both are
// on loopback and the gateway acts on a message as soon as it is durable), so events are
// kept per message whatever the order and matched up in Fill().
//
// Memory is one 40-byte record per message sent (40 MB for a million). Not thread-safe:
// the bench's one I/O thread.
#include <cstdint>
#include <string_view>
#include <vector>

#include "loadgen/histogram.h"
#include "loadgen/replies.h"
#include "loadgen/report.h"

namespace deliverer::loadgen {

// One HTTP answer to a request carrying messages [first_seq, first_seq + messages).
struct Answer {
  uint64_t first_seq = 0;
  uint32_t messages = 1;
  bool batch = false;
  int status = 0;
  std::string_view body;
  uint64_t latency_us = 0;  // from the scheduled (open loop) or actual send
  int64_t received_us = 0;  // Unix microseconds
};

enum class WebhookOutcome { kRecorded, kDuplicate, kForeign };

class Tracker {
 public:
  void OnRequestSent(uint64_t first_seq, uint32_t messages);
  // Counts the answer; 2xx messages are accepted, the others rejected by problem code.
  void OnAnswer(const Answer& answer, ReplyParser& parser);
  void OnTransportError(bool timeout);
  // A webhook for message `seq` with `status` as of `at_ms`. Repeats of an event already
  // seen (webhooks are at-least-once) and seqs never sent are not recorded.
  WebhookOutcome OnWebhook(uint64_t seq, std::string_view status, int64_t at_ms,
                           int64_t arrival_us);
  void OnForeignWebhook() { ++webhooks_received_, ++webhooks_foreign_; }
  void OnBadSignature() { ++bad_signatures_; }

  uint64_t accepted() const { return accepted_; }
  // Accepted messages whose terminal webhook has not come yet.
  uint64_t outstanding() const { return accepted_ - terminal_accepted_; }

  // The request, message, delivery and latency figures of `report`.
  void Fill(Report& report) const;

 private:
  enum Final : uint8_t { kNone, kDelivered, kExpired, kFailed, kRejected, kFinalCount };
  struct Track {
    int64_t accept_us = 0;  // 0: not accepted (yet)
    int64_t sent_at_ms = -1;
    int64_t done_at_ms = -1;
    int64_t done_arrival_us = 0;
    Final final = kNone;
  };

  void Accept(uint64_t seq, int64_t at_us);
  void Reject(const std::string& code, uint64_t messages);
  void OnBatch(const Answer& answer, ReplyParser& parser);
  void FillLatencies(Report& report) const;

  std::vector<Track> tracks_;           // by seq
  std::vector<BatchItem> batch_items_;  // reused between batch answers
  uint64_t requests_sent_ = 0, answered_ = 0, transport_errors_ = 0, timeouts_ = 0;
  uint64_t messages_sent_ = 0, accepted_ = 0, terminal_accepted_ = 0;
  uint64_t webhooks_received_ = 0, webhooks_duplicate_ = 0, webhooks_foreign_ = 0,
           bad_signatures_ = 0;
  int64_t first_accept_us_ = 0;
  std::map<int, uint64_t> http_statuses_;
  std::map<std::string, uint64_t> rejected_;
  Histogram accept_latency_us_;
};

}  // namespace deliverer::loadgen
