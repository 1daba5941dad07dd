#pragma once
// Which bind takes a message: all its segments go on one bind, so that they leave in
// order. Pure.
#include <cstddef>
#include <optional>
#include <span>

namespace deliverer::carriers::smpp {

// `loads[i]`: the PDUs bind i has outstanding or queued; nullopt when it cannot take a
// submit now (not bound, or stopping). The least loaded bind, looking from `start` on so
// that ties rotate; nullopt when no bind can take it.
//
// Why not plain round robin: a multipart message puts several PDUs on its bind. When the
// binds' windows fill, a bind that was dealt more segments queues its PDUs while another
// has room, and the carrier then runs at the speed of its busiest bind (the bench's
// repeating mix of kinds dealt one of two binds 9 PDUs in 14: a quarter of the windows
// sat idle).
inline std::optional<size_t> LeastLoadedBind(std::span<const std::optional<size_t>> loads,
                                             size_t start) {
  std::optional<size_t> best;
  for (size_t tried = 0; tried < loads.size(); ++tried) {
    const size_t i = (start + tried) % loads.size();
    if (loads[i] && (!best || *loads[i] < *loads[*best])) best = i;
  }
  return best;
}

}  // namespace deliverer::carriers::smpp
