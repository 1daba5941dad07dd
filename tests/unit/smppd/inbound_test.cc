// The deliver_sm of an MO to a producer's number (docs/smpp-server.md "Inbound messages").
#include "smppd/inbound.h"

#include <gtest/gtest.h>

#include "smpp/tlv.h"
#include "text/text.h"

namespace deliverer::smppd {
namespace {

store::ProducerInboundJob Job(std::string text) {
  return store::ProducerInboundJob{"e1", "mo-1", "+447911123456", "+447700900123", std::move(text), 1000, 0};
}

TEST(Inbound, AsciiGoesAsIa5) {
  const smpp::DeliverSm d = MakeMo(Job("STOP please"));
  EXPECT_EQ(d.data_coding, 0x01);
  EXPECT_EQ(std::string(d.short_message.begin(), d.short_message.end()), "STOP please");
  EXPECT_EQ(d.esm_class, 0);
  EXPECT_EQ(d.source_addr, "447911123456");
  EXPECT_EQ(d.source_addr_ton, 1);
  EXPECT_EQ(d.destination_addr, "447700900123");
}

TEST(Inbound, AnythingElseGoesAsUcs2AndDecodesBack) {
  const smpp::DeliverSm d = MakeMo(Job("Grüße 😀"));
  EXPECT_EQ(d.data_coding, 0x08);
  EXPECT_EQ(text::DecodeUcs2(d.short_message), "Grüße 😀");
}

TEST(Inbound, ALongMessageRidesInMessagePayload) {
  const smpp::DeliverSm d = MakeMo(Job(std::string(300, 'x')));
  EXPECT_TRUE(d.short_message.empty());
  auto payload = smpp::GetMessagePayload(d.tlvs);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(payload->size(), 300u);
}

TEST(Inbound, AShortCodeIsDigits) {
  store::ProducerInboundJob job = Job("hi");
  job.to = "12345";
  const smpp::DeliverSm d = MakeMo(job);
  EXPECT_EQ(d.destination_addr, "12345");
  EXPECT_EQ(d.dest_addr_ton, 0);
}

}  // namespace
}  // namespace deliverer::smppd
