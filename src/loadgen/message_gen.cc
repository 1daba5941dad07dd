#include "loadgen/message_gen.h"

#include <array>
#include <charconv>

namespace deliverer::loadgen {
namespace {

// Ofcom's drama ranges, 1,000 numbers each (the prefix plus three digits). Nottingham's
// 0115 496 range is missing on purpose: libphonenumber rejects it.
constexpr std::array<std::string_view, 14> kDramaPrefixes = {
    "+441134960", "+441144960", "+441164960", "+441174960", "+441184960",
    "+441214960", "+441314960", "+441414960", "+441514960", "+441614960",
    "+441914980", "+442079460", "+442890180", "+442920180"};
static_assert(kDramaPrefixes.size() * 1000 == kDestinationCount);

// A prime that divides neither 2, 5 nor 7 is coprime to 14,000, so seq * kSpread mod
// 14,000 visits every number once per 14,000 messages, and neighbours land far apart.
constexpr uint64_t kSpread = 7919;

// Texts around a six-digit code. GSM-7: 46 septets. UCS-2: 34 UTF-16 units (the emoji
// takes two). Multipart: 405 septets, hence three segments of 153 (not two: 306 < 405,
// not four: 405 <= 459); no extension-table character, so each character is one septet.
constexpr std::string_view kGsm7Head = "Your code is ";
constexpr std::string_view kGsm7Tail = ". It expires in 10 minutes.";
constexpr std::string_view kUcs2Head = "Votre code : ";
constexpr std::string_view kUcs2Tail =
    " \xF0\x9F\x8E\x89 \xC3\xA0 bient\xC3\xB4t !";  // 🎉 à bientôt
constexpr std::string_view kMultipartHead = "Your order 4711 has shipped. Tracking code ";
constexpr std::string_view kMultipartTail =
    ". The parcel leaves our warehouse today and should reach you within two working days. "
    "A courier will try to deliver it between 8 am and 6 pm; if nobody is at home, it will be "
    "left with a neighbour or at the nearest pick-up point, and a card will tell you where. "
    "You can change the delivery day or address at any time before dispatch from your account "
    "page.";

void AppendCode(uint64_t seq, std::string& out) {
  char digits[6];
  uint64_t code = seq % 1'000'000;
  for (int i = 5; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + code % 10);
    code /= 10;
  }
  out.append(digits, sizeof digits);
}

void AppendUint(uint64_t value, std::string& out) {
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;  // 20 digits always suffice
  out.append(digits, end);
}

}  // namespace

MessageGenerator::MessageGenerator(GeneratorOptions options)
    : options_(std::move(options)),
      cycle_(options_.mix),
      ref_prefix_("lg" + options_.run_id + "-") {}

int MessageGenerator::SegmentsOf(uint64_t seq) const {
  return KindOf(seq) == MessageKind::kMultipart ? 3 : 1;
}

void MessageGenerator::AppendDestination(uint64_t seq, std::string& out) {
  const uint64_t index = (seq * kSpread) % kDestinationCount;
  out += kDramaPrefixes[index / 1000];
  const auto suffix = static_cast<unsigned>(index % 1000);
  out += static_cast<char>('0' + suffix / 100);
  out += static_cast<char>('0' + suffix / 10 % 10);
  out += static_cast<char>('0' + suffix % 10);
}

void MessageGenerator::AppendText(MessageKind kind, uint64_t seq, std::string& out) {
  switch (kind) {
    case MessageKind::kGsm7:
      out += kGsm7Head;
      AppendCode(seq, out);
      out += kGsm7Tail;
      return;
    case MessageKind::kUcs2:
      out += kUcs2Head;
      AppendCode(seq, out);
      out += kUcs2Tail;
      return;
    case MessageKind::kMultipart:
      out += kMultipartHead;
      AppendCode(seq, out);
      out += kMultipartTail;
      return;
  }
}

void MessageGenerator::AppendMessage(uint64_t seq, std::string& out) const {
  out += R"({"from":"Deliverer","to":")";
  AppendDestination(seq, out);
  out += R"(","body":")";
  AppendText(KindOf(seq), seq, out);
  out += '"';
  if (!options_.callback_url.empty()) {
    out += R"(,"client_ref":")";
    out += ref_prefix_;
    AppendUint(seq, out);
    out += R"(","callback_url":")";
    out += options_.callback_url;
    out += '"';
  }
  out += '}';
}

void MessageGenerator::WriteBody(uint64_t first_seq, uint32_t n, bool batch,
                                 std::string& out) const {
  out.clear();
  if (!batch) {
    AppendMessage(first_seq, out);
    return;
  }
  out += R"({"messages":[)";
  for (uint32_t i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    AppendMessage(first_seq + i, out);
  }
  out += "]}";
}

std::optional<uint64_t> MessageGenerator::SeqOf(std::string_view client_ref) const {
  if (client_ref.size() <= ref_prefix_.size() ||
      client_ref.substr(0, ref_prefix_.size()) != ref_prefix_) {
    return std::nullopt;
  }
  const std::string_view digits = client_ref.substr(ref_prefix_.size());
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return seq;
}

}  // namespace deliverer::loadgen
