#pragma once
// Expected failures as values (docs/architecture.md "Conventions"). A Result<T> holds either
// a T or an Error. Error codes are the stable strings of docs/api.md "Errors" (e.g.
// "invalid_destination") or, for internal failures, short snake_case names; the API layer
// maps codes to HTTP statuses.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace deliverer {

struct Error {
  std::string code;    // stable machine-readable code
  std::string detail;  // human-readable, for the client who sent the request: it may quote
                      // their own input, so logs use code and field, never detail
  std::string field;   // the request field it concerns, or empty

  static Error Of(std::string code, std::string detail, std::string field = {}) {
    return Error{std::move(code), std::move(detail), std::move(field)};
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}          // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace deliverer
