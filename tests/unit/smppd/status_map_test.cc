// The command_status table of docs/smpp-server.md "Status mapping".
#include "smppd/status_map.h"

#include <gtest/gtest.h>

#include "smpp/status.h"

namespace deliverer::smppd {
namespace {

TEST(StatusMap, RefusalsMapToTheirSmppCodes) {
  EXPECT_EQ(SubmitStatusFor("invalid_destination"), 0x0Bu);
  EXPECT_EQ(SubmitStatusFor("invalid_sender"), 0x0Au);
  EXPECT_EQ(SubmitStatusFor("recipient_suppressed"), 0x45u);
  EXPECT_EQ(SubmitStatusFor("body_too_long"), 0x01u);
  EXPECT_EQ(SubmitStatusFor("binary_data"), 0x104u);
  EXPECT_EQ(SubmitStatusFor("invalid_field", "send_at"), 0x61u);
  EXPECT_EQ(SubmitStatusFor("invalid_field", "ttl"), 0x62u);
  EXPECT_EQ(SubmitStatusFor("invalid_field", "message_id"), 0xC4u) << "the deliverer_message_id TLV";
  EXPECT_EQ(SubmitStatusFor("idempotency_conflict"), 0x45u);
}

TEST(StatusMap, WhatMayPassLaterIsRetried) {
  EXPECT_EQ(SubmitStatusFor("rate_limited"), 0x58u);
  EXPECT_EQ(SubmitStatusFor("window_full"), 0x58u);
  EXPECT_EQ(SubmitStatusFor("overloaded"), 0x14u);
  EXPECT_EQ(SubmitStatusFor("storage_unavailable"), 0x08u);
  EXPECT_EQ(SubmitStatusFor("something_new"), 0x08u) << "an unforeseen error is the gateway's: retried";
  for (const char* code : {"rate_limited", "overloaded", "storage_unavailable", "parts_full"}) {
    EXPECT_EQ(smpp::ClassifyStatus(SubmitStatusFor(code)), smpp::StatusClass::kTransient) << code;
  }
  for (const char* code : {"invalid_destination", "recipient_suppressed", "body_empty"}) {
    EXPECT_EQ(smpp::ClassifyStatus(SubmitStatusFor(code)), smpp::StatusClass::kPermanent) << code;
  }
}

}  // namespace
}  // namespace deliverer::smppd
