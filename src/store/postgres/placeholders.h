#pragma once
// The shared placeholder syntax (store/sql/db.h) in PostgreSQL's: SQLite's `?` and `?N`
// become `$N`. Pure; the driver translates each statement text once, when it caches it.
#include <string>
#include <string_view>
#include <vector>

namespace deliverer::store::postgres {

struct NumberedSql {
  std::string text;        // with $N placeholders
  int parameters = 0;      // the highest N: PostgreSQL's parameter count
  std::vector<bool> used;  // used[N - 1]: $N appears (a gap must still be given a type)
};

// `?` takes the number after the highest one so far (SQLite's rule, so `?2, ?` is $2, $3);
// `?N` is $N. A `?` inside a '…' literal, a "…" identifier or a comment is left alone.
NumberedSql NumberSql(std::string_view sql);

// True for a statement that only reads (SELECT, or WITH … SELECT changing nothing): one
// that may run again after its session was lost. Pure.
bool IsRead(std::string_view sql);

}  // namespace deliverer::store::postgres
