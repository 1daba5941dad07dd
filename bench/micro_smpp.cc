// SMPP on the delivery side: the codec both ways for the PDUs of every message (submit_sm
// single and with a UDH, submit_sm_resp, a deliver_sm receipt), the receipt parsers, and a
// whole message from text to submit_sm bytes. Encoding appends to a reused buffer and
// decoding reads the first PDU of a buffer, as the session's channel does.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "carriers/smpp/submit_builder.h"
#include "micro_inputs.h"
#include "receipts/receipt.h"
#include "smpp/codec.h"
#include "smpp/deliver_receipt.h"
#include "text/text.h"

namespace deliverer::bench {
namespace {

constexpr uint32_t kSequence = 0x0001E240;

carriers::CarrierSubmit SubmitFor(std::string_view body) {
  carriers::CarrierSubmit submit;
  submit.message_id = "msg_2f1c9a7e4b3d";
  submit.from = "Deliverer";
  submit.to = "+447400123456";
  submit.text = std::string(body);
  auto encoded = text::Encode(body, /*reference=*/0x2A);
  if (encoded.ok()) {
    submit.encoding = encoded->encoding;
    submit.segments = std::move(encoded->segments);
  }
  submit.validity_s = 86400;
  return submit;
}

// The first submit_sm the SMPP carrier builds for `body`.
smpp::Pdu SubmitPdu(std::string_view body) {
  std::vector<smpp::SubmitSm> submits = carriers::smpp::BuildSubmits(SubmitFor(body), {});
  return smpp::MakePdu(submits.empty() ? smpp::SubmitSm{} : std::move(submits.front()), kSequence);
}

smpp::Pdu SubmitRespPdu() {
  smpp::SubmitSmResp resp;
  resp.message_id = "0A1B2C3D4E";
  return smpp::MakePdu(std::move(resp), kSequence);
}

// A receipt as SMSCs send it: the text form plus receipted_message_id and message_state.
smpp::DeliverSm ReceiptDeliverSm() {
  smpp::DeliverSm deliver;
  deliver.source_addr_ton = 1;
  deliver.source_addr_npi = 1;
  deliver.source_addr = "447400123456";
  deliver.dest_addr_ton = 5;
  deliver.destination_addr = "Deliverer";
  deliver.esm_class = 0x04;
  deliver.short_message.assign(kReceiptText.begin(), kReceiptText.end());
  smpp::AddReceiptedMessageId(deliver.tlvs, "0A1B2C3D4E");
  smpp::AddMessageState(deliver.tlvs, uint8_t{2});
  return deliver;
}

smpp::Pdu ReceiptPdu() { return smpp::MakePdu(ReceiptDeliverSm(), kSequence); }

void BM_SmppEncode(benchmark::State& state, smpp::Pdu (*make)()) {
  const smpp::Pdu pdu = make();
  if (!smpp::Validate(pdu).ok()) {
    state.SkipWithError("the PDU is not valid");
    return;
  }
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();
    smpp::EncodeTo(pdu, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}

void BM_SmppDecode(benchmark::State& state, smpp::Pdu (*make)()) {
  const std::vector<uint8_t> wire = smpp::Encode(make());
  if (!std::holds_alternative<smpp::Decoded>(smpp::Decode(wire))) {
    state.SkipWithError("the PDU does not decode");
    return;
  }
  for (auto _ : state) {
    smpp::DecodeResult result = smpp::Decode(wire);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(wire.size()));
}

smpp::Pdu SubmitSingle() { return SubmitPdu(kGsm7Single); }
smpp::Pdu SubmitWithUdh() { return SubmitPdu(kGsm7ThreePart); }

BENCHMARK_CAPTURE(BM_SmppEncode, submit_sm_single, &SubmitSingle);
BENCHMARK_CAPTURE(BM_SmppEncode, submit_sm_udh, &SubmitWithUdh);
BENCHMARK_CAPTURE(BM_SmppEncode, submit_sm_resp, &SubmitRespPdu);
BENCHMARK_CAPTURE(BM_SmppEncode, deliver_sm_receipt, &ReceiptPdu);
BENCHMARK_CAPTURE(BM_SmppDecode, submit_sm_single, &SubmitSingle);
BENCHMARK_CAPTURE(BM_SmppDecode, submit_sm_udh, &SubmitWithUdh);
BENCHMARK_CAPTURE(BM_SmppDecode, submit_sm_resp, &SubmitRespPdu);
BENCHMARK_CAPTURE(BM_SmppDecode, deliver_sm_receipt, &ReceiptPdu);

// What the SMPP carrier does per message: text → segments → submit_sm → wire bytes.
void BM_SmppSubmitPath(benchmark::State& state, std::string_view body, size_t segments) {
  const carriers::CarrierSubmit check = SubmitFor(body);
  if (check.segments.size() != segments) {
    state.SkipWithError("unexpected segment count");
    return;
  }
  carriers::CarrierSubmit submit = check;
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();
    auto encoded = text::Encode(body, /*reference=*/0x2A);
    submit.segments = std::move(encoded->segments);
    for (smpp::SubmitSm& sm : carriers::smpp::BuildSubmits(submit, {})) {
      smpp::EncodeTo(smpp::MakePdu(std::move(sm), kSequence), out);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK_CAPTURE(BM_SmppSubmitPath, gsm7_single, kGsm7Single, 1);
BENCHMARK_CAPTURE(BM_SmppSubmitPath, gsm7_3part, kGsm7ThreePart, 3);

// The carrier's receive path for a receipt: decode the deliver_sm, then read it.
void BM_SmppReceiveReceipt(benchmark::State& state) {
  const std::vector<uint8_t> wire = smpp::Encode(ReceiptPdu());
  for (auto _ : state) {
    smpp::DecodeResult result = smpp::Decode(wire);
    auto* decoded = std::get_if<smpp::Decoded>(&result);
    auto* deliver = decoded ? std::get_if<smpp::DeliverSm>(&decoded->pdu.body) : nullptr;
    if (deliver == nullptr) {
      state.SkipWithError("the receipt does not decode");
      break;
    }
    auto receipt = smpp::ParseReceipt(*deliver);
    benchmark::DoNotOptimize(receipt);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(wire.size()));
}
BENCHMARK(BM_SmppReceiveReceipt)->Name("BM_SmppReceiveReceipt/decode_and_parse");

void BM_ReceiptTextParse(benchmark::State& state) {
  auto check = receipts::ParseReceiptText(kReceiptText);
  if (!check.ok() || check->state != receipts::MessageState::kDelivered || !check->done_date) {
    state.SkipWithError("the receipt text does not parse");
    return;
  }
  for (auto _ : state) {
    auto receipt = receipts::ParseReceiptText(kReceiptText);
    benchmark::DoNotOptimize(receipt);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kReceiptText.size()));
}
BENCHMARK(BM_ReceiptTextParse)->Name("BM_ReceiptTextParse/delivrd");

}  // namespace
}  // namespace deliverer::bench
