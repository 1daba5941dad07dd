#pragma once
// What an erasure (store/erasure_store.h) accepts, matches and writes: the same in every
// backend, so a number one backend erases another does not refuse.
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/lifecycle.h"
#include "store/delivery_records.h"

namespace deliverer::store {

// The change that ends a message still waiting for an erased recipient, read inside the
// same write as `current` (model/lifecycle.h ErasureEnds: one already at a carrier goes
// on). Nullopt when `current` is not one an erasure ends.
inline std::optional<StatusChange> ErasureChange(const std::string& message_id, model::Status current,
                                                 int64_t at_ms) {
  if (!model::ErasureEnds(current)) return std::nullopt;
  StatusChange change;
  change.message_id = message_id;
  change.status = model::kStatusAfterErasure;
  change.only_from = current;
  change.at_ms = at_ms;
  change.error = model::RecipientErasedError();
  return change;
}

// What replaces the number in every row that held it.
inline constexpr std::string_view kErased = "erased";

// Only the form is checked, not the numbering plan: a number libphonenumber no longer
// knows (or an inbound sender it never knew) must still be erasable.
inline Status CheckErasable(std::string_view number) {
  const bool digits_only = number.find_first_not_of("0123456789", 1) == std::string_view::npos;
  if (number.size() < 2 || number.size() > 16 || number[0] != '+' || !digits_only) {
    return Error::Of("invalid_destination",
                     "the number must be in E.164 form: '+' and up to 15 digits");
  }
  return Status::Ok();
}

// The two forms rows hold a number in: E.164 with its '+', and the bare digits SMPP
// addresses use. Built from a number CheckErasable accepted.
struct NumberForms {
  // Safe for any string; meaningful for one that passed CheckErasable.
  explicit NumberForms(const std::string& number)
      : e164(number), digits(number.empty() ? std::string() : number.substr(1)) {}

  bool Matches(std::string_view value) const { return value == e164 || value == digits; }

  std::string e164;
  std::string digits;
};

}  // namespace deliverer::store
