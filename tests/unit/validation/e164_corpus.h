#pragma once
// Numbers on which NumberingPlan and PhoneNumberUtil must agree, many of them valid, many
// just off a valid range. The same seed gives the same numbers, in the same order.
//
// Seeds: libphonenumber's example number for every supported region and every
// PhoneNumberType (GetExampleNumberForType), every region's invalid example, every
// non-geographic entity's (GetExampleNumberForNonGeoEntity), and the example of every
// number description of every metadata entry, non-geographic ones and
// no_international_dialling included. Next() yields, in order:
//   1. every seed, and every prefix of it from "+" and one digit on;
//   2. for every country calling code and every length from 1 to 17, two random national
//      numbers of that length;
//   3. then, for ever, a random mutation of a random seed (Mutate), a few of them not
//      E.164 at all (spaces, letters, no '+', a second '+', too long).
//
// Usage:
//   E164Corpus corpus(42);
//   for (size_t i = 0; i < n; ++i) Compare(corpus.Next());
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace deliverer::validation {

class E164Corpus {
 public:
  explicit E164Corpus(uint64_t seed);

  std::string Next();
  size_t seed_count() const { return seeds_.size(); }

 private:
  struct Seed {
    std::string code;      // country calling code digits
    std::string national;  // national significant number, leading zeros kept
  };

  void AddSeed(const std::string& e164);
  std::string Mutate();
  std::string RandomDigits(size_t count);
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }
  char Digit() { return static_cast<char>('0' + Below(10)); }

  std::mt19937_64 rng_;
  std::vector<Seed> seeds_;
  std::map<std::string, std::vector<size_t>> seeds_by_code_;  // indices into seeds_
  std::vector<std::string> codes_;       // every country calling code, as digits
  std::vector<std::string> systematic_;  // phases 1 and 2, in order
  size_t next_systematic_ = 0;
};

}  // namespace deliverer::validation
