#include "httpio/deadline.h"

namespace deliverer::httpio {

// Shared with the timer's handler, which may run after the Deadline is gone.
struct Deadline::State {
  explicit State(boost::asio::any_io_executor executor) : timer(std::move(executor)) {}
  boost::asio::steady_timer timer;
  std::function<void()> cancel;
  uint64_t generation = 0;  // which ExpiresAfter a firing timer belongs to
  bool expired = false;
};

Deadline::Deadline(boost::asio::any_io_executor executor, std::function<void()> cancel)
    : state_(std::make_shared<State>(std::move(executor))) {
  state_->cancel = std::move(cancel);
}

Deadline::~Deadline() {
  state_->cancel = nullptr;
  state_->timer.cancel();
}

void Deadline::ExpiresAfter(std::chrono::steady_clock::duration duration) {
  State& state = *state_;
  state.expired = false;
  const uint64_t generation = ++state.generation;
  // A handler already queued for the previous deadline runs with success, not
  // operation_aborted: the generation tells it apart.
  state.timer.expires_after(duration);
  state.timer.async_wait([weak = std::weak_ptr<State>(state_), generation](boost::system::error_code ec) {
    auto state = weak.lock();
    if (ec || !state || state->generation != generation) return;
    state->expired = true;
    if (state->cancel) state->cancel();
  });
}

void Deadline::Clear() {
  ++state_->generation;
  state_->expired = false;
  state_->timer.cancel();
}

bool Deadline::expired() const { return state_->expired; }

}  // namespace deliverer::httpio
