#include "routing/failure_window.h"

#include <algorithm>

namespace deliverer::routing {

FailureWindow::FailureWindow(Millis length)
    : width_ms_(std::max<int64_t>(length.count() / kBuckets, 1)) {}

int64_t FailureWindow::BucketId(TimePoint now) const {
  const int64_t ms = std::chrono::duration_cast<Millis>(now.time_since_epoch()).count();
  // Floor division, so instants before 1970 (a broken clock) still map consistently.
  return ms >= 0 ? ms / width_ms_ : -((-ms + width_ms_ - 1) / width_ms_);
}

bool FailureWindow::Live(const Bucket& bucket, int64_t current_id) const {
  return bucket.id <= current_id && bucket.id > current_id - kBuckets;
}

void FailureWindow::Add(bool failed, TimePoint now) {
  const int64_t id = BucketId(now);
  Bucket& bucket = buckets_[static_cast<size_t>(((id % kBuckets) + kBuckets) % kBuckets)];
  if (bucket.id != id) bucket = Bucket{id, 0, 0};
  ++bucket.total;
  if (failed) ++bucket.failed;
}

FailureWindow::Counts FailureWindow::CountsAt(TimePoint now) const {
  const int64_t current = BucketId(now);
  Counts counts;
  for (const Bucket& bucket : buckets_) {
    if (!Live(bucket, current)) continue;
    counts.total += bucket.total;
    counts.failed += bucket.failed;
  }
  return counts;
}

void FailureWindow::Clear() { buckets_.fill(Bucket{}); }

}  // namespace deliverer::routing
