#include "compliance/keywords.h"

#include <algorithm>
#include <array>

namespace deliverer::compliance {

namespace {

constexpr std::array<std::string_view, 9> kOptOut = {
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT-OUT"};
constexpr std::string_view kOptOutAll = "STOPALL";
constexpr size_t kMaxExtraKeywordChars = 32;
constexpr std::array<std::string_view, 3> kOptIn = {"START", "UNSTOP", "YES"};
constexpr std::array<std::string_view, 2> kHelp = {"HELP", "INFO"};

bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsTrailingPunct(char c) { return std::string_view(".!?,;:").find(c) != std::string_view::npos; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Trims white space (also the UTF-8 no-break space U+00A0) and trailing punctuation.
std::string_view Trim(std::string_view s) {
  for (;;) {
    const size_t before = s.size();
    while (!s.empty() && IsSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && (IsSpace(static_cast<unsigned char>(s.back())) || IsTrailingPunct(s.back()))) {
      s.remove_suffix(1);
    }
    if (s.starts_with("\xC2\xA0")) s.remove_prefix(2);
    if (s.ends_with("\xC2\xA0")) s.remove_suffix(2);
    if (s.size() == before) return s;
  }
}

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Words: runs of letters, digits and '-' (so OPT-OUT stays one word).
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  auto is_word = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  };
  while (i < s.size()) {
    while (i < s.size() && !is_word(s[i])) ++i;
    const size_t start = i;
    while (i < s.size() && is_word(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::string_view ToString(KeywordAction action) {
  switch (action) {
    case KeywordAction::kNone: return "";
    case KeywordAction::kOptOut: return "opt_out";
    case KeywordAction::kOptOutAll: return "opt_out_all";
    case KeywordAction::kOptIn: return "opt_in";
    case KeywordAction::kHelp: return "help";
    case KeywordAction::kReview: return "review";
  }
  return "";
}

Status CheckExtraKeyword(std::string_view keyword) {
  const std::string upper = Upper(keyword);
  const bool word = !upper.empty() && upper.size() <= kMaxExtraKeywordChars &&
                    std::all_of(upper.begin(), upper.end(), [](char c) {
                      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                    });
  if (!word) {
    return Error::Of("invalid_config", "an opt-out keyword is one word of 1 to 32 letters, digits or '-'");
  }
  if (In(kOptIn, upper) || In(kHelp, upper)) {
    return Error::Of("invalid_config", "'" + upper + "' is an opt-in or help keyword, it cannot opt out");
  }
  return Status::Ok();
}

KeywordClassifier::KeywordClassifier(std::vector<std::string> extra_opt_out) {
  for (std::string_view k : kOptOut) opt_out_.emplace_back(k);
  for (const std::string& k : extra_opt_out) {
    std::string upper = Upper(Trim(k));
    if (!upper.empty()) opt_out_.push_back(std::move(upper));
  }
}

bool KeywordClassifier::IsOptOut(std::string_view word) const {
  return std::find(opt_out_.begin(), opt_out_.end(), word) != opt_out_.end();
}

KeywordAction KeywordClassifier::Classify(std::string_view body) const {
  const std::string text = Upper(Trim(body));
  if (text.empty()) return KeywordAction::kNone;
  if (text == kOptOutAll) return KeywordAction::kOptOutAll;
  if (IsOptOut(text)) return KeywordAction::kOptOut;
  if (In(kOptIn, text)) return KeywordAction::kOptIn;
  if (In(kHelp, text)) return KeywordAction::kHelp;
  for (std::string_view word : Words(text)) {
    if (IsOptOut(word)) return KeywordAction::kReview;
  }
  return KeywordAction::kNone;
}

}  // namespace deliverer::compliance
