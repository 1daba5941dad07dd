// User data headers inside short_message / message_payload.
#include "smpp/udh.h"

#include <gtest/gtest.h>

#include "smpp/pdu.h"

namespace deliverer::smpp {
namespace {

using Octets = std::vector<uint8_t>;

TEST(Udh, WithoutUdhiEverythingIsPayload) {
  Octets data{0x05, 0x00, 0x03, 1, 2, 1};
  auto split = SplitUserData(0x00, data);
  ASSERT_TRUE(split.ok());
  EXPECT_TRUE(split->udh.empty());
  EXPECT_EQ(split->payload.size(), data.size());
  EXPECT_FALSE(split->concatenation.has_value());
}

TEST(Udh, Concatenation8And16Bit) {
  Octets eight{0x05, 0x00, 0x03, 0x7F, 0x03, 0x02, 'a'};
  auto split = SplitUserData(kEsmClassUdhi, eight);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->concatenation, (Concatenation{0x7F, 3, 2, false}));
  EXPECT_EQ(split->udh.size(), 6u);
  EXPECT_EQ(split->payload.size(), 1u);
  Octets sixteen{0x06, 0x08, 0x04, 0xAB, 0xCD, 0x02, 0x01};
  split = SplitUserData(kEsmClassUdhi, sixteen);
  EXPECT_EQ(split->concatenation, (Concatenation{0xABCD, 2, 1, true}));
  EXPECT_TRUE(split->payload.empty());
}

TEST(Udh, OtherElementsAreSkipped) {
  // Port addressing (IEI 0x05) before the concatenation element.
  Octets data{0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x11, 0x02, 0x01, 'x'};
  auto split = SplitUserData(kEsmClassUdhi, data);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->concatenation, (Concatenation{0x11, 2, 1, false}));
}

TEST(Udh, InvalidConcatenationIsIgnored) {
  for (Octets data : {Octets{0x05, 0x00, 0x03, 1, 0, 0}, Octets{0x05, 0x00, 0x03, 1, 2, 3},
                      Octets{0x04, 0x00, 0x02, 1, 2}}) {
    auto split = SplitUserData(kEsmClassUdhi, data);
    ASSERT_TRUE(split.ok());
    EXPECT_FALSE(split->concatenation.has_value());
  }
}

TEST(Udh, Errors) {
  EXPECT_EQ(SplitUserData(kEsmClassUdhi, {}).error().code, "udh_missing");
  Octets too_long{0x09, 0x00, 0x03, 1, 2, 1};
  EXPECT_EQ(SplitUserData(kEsmClassUdhi, too_long).error().code, "udh_length");
  Octets element_past_udh{0x03, 0x00, 0x03, 1, 'x', 'y'};
  EXPECT_EQ(SplitUserData(kEsmClassUdhi, element_past_udh).error().code, "udh_element");
  Octets truncated_header{0x01, 0x00, 'x'};
  EXPECT_EQ(SplitUserData(kEsmClassUdhi, truncated_header).error().code, "udh_element");
}

TEST(Udh, UserDataPrefersShortMessage) {
  SubmitSm sm;
  AddMessagePayload(sm.tlvs, std::span<const uint8_t>(Octets{1, 2, 3}));
  EXPECT_EQ(UserDataOf(sm).size(), 3u);
  sm.short_message = {9};
  EXPECT_EQ(UserDataOf(sm).size(), 1u);
  EXPECT_TRUE(UserDataOf(DeliverSm{}).empty());
}

TEST(Udh, SarTlvsTellConcatenation) {
  Tlvs tlvs;
  AddSarMsgRefNum(tlvs, uint16_t{0x1234});
  AddSarTotalSegments(tlvs, uint8_t{3});
  AddSarSegmentSeqnum(tlvs, uint8_t{2});
  EXPECT_EQ(SarConcatenation(tlvs), (Concatenation{0x1234, 3, 2, true}));
}

TEST(Udh, SarTlvsMissingOrInvalidTellNothing) {
  Tlvs partial;
  AddSarMsgRefNum(partial, uint16_t{1});
  AddSarTotalSegments(partial, uint8_t{3});
  EXPECT_FALSE(SarConcatenation(partial)) << "no sequence";
  for (auto [total, sequence] : {std::pair<uint8_t, uint8_t>{0, 0}, {3, 0}, {3, 4}, {0, 1}}) {
    Tlvs tlvs;
    AddSarMsgRefNum(tlvs, uint16_t{1});
    AddSarTotalSegments(tlvs, total);
    AddSarSegmentSeqnum(tlvs, sequence);
    EXPECT_FALSE(SarConcatenation(tlvs)) << int{total} << "/" << int{sequence};
  }
  EXPECT_FALSE(SarConcatenation(Tlvs{}));
}

}  // namespace
}  // namespace deliverer::smpp
