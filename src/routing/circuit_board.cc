#include "routing/circuit_board.h"

namespace deliverer::routing {

CircuitBoard::CircuitBoard(const std::vector<config::CarrierConfig>& carriers) {
  Reconfigure(carriers);
}

void CircuitBoard::Reconfigure(const std::vector<config::CarrierConfig>& carriers) {
  common::MutexLock lock(mutex_);
  std::map<std::string, CircuitBreaker, std::less<>> next;
  std::vector<std::string> order;
  for (const config::CarrierConfig& carrier : carriers) {
    auto kept = breakers_.find(carrier.id);
    if (kept != breakers_.end()) {
      kept->second.Reconfigure(carrier.circuit_breaker);
      next.emplace(carrier.id, std::move(kept->second));
    } else {
      next.emplace(carrier.id, CircuitBreaker(carrier.circuit_breaker));
    }
    order.push_back(carrier.id);
  }
  breakers_ = std::move(next);
  order_ = std::move(order);
}

CircuitBreaker* CircuitBoard::Find(std::string_view carrier) {
  auto it = breakers_.find(carrier);
  return it == breakers_.end() ? nullptr : &it->second;
}

const CircuitBreaker* CircuitBoard::Find(std::string_view carrier) const {
  auto it = breakers_.find(carrier);
  return it == breakers_.end() ? nullptr : &it->second;
}

bool CircuitBoard::AllowsTraffic(std::string_view carrier, TimePoint now) const {
  common::MutexLock lock(mutex_);
  const CircuitBreaker* breaker = Find(carrier);
  return breaker == nullptr || breaker->AllowsTraffic(now);
}

Permit CircuitBoard::Acquire(std::string_view carrier, TimePoint now) {
  common::MutexLock lock(mutex_);
  CircuitBreaker* breaker = Find(carrier);
  return breaker == nullptr ? Permit{true, false, 0} : breaker->Acquire(now);
}

std::optional<Transition> CircuitBoard::OnSuccess(std::string_view carrier, const Permit& permit,
                                                  TimePoint now) {
  common::MutexLock lock(mutex_);
  CircuitBreaker* breaker = Find(carrier);
  return breaker == nullptr ? std::nullopt : breaker->OnSuccess(permit, now);
}

std::optional<Transition> CircuitBoard::OnFailure(std::string_view carrier, const Permit& permit,
                                                  TimePoint now) {
  common::MutexLock lock(mutex_);
  CircuitBreaker* breaker = Find(carrier);
  return breaker == nullptr ? std::nullopt : breaker->OnFailure(permit, now);
}

void CircuitBoard::Release(std::string_view carrier, const Permit& permit) {
  common::MutexLock lock(mutex_);
  if (CircuitBreaker* breaker = Find(carrier)) breaker->Release(permit);
}

std::optional<Transition> CircuitBoard::OnLinkDown(std::string_view carrier, TimePoint now) {
  common::MutexLock lock(mutex_);
  CircuitBreaker* breaker = Find(carrier);
  return breaker == nullptr ? std::nullopt : breaker->OnLinkDown(now);
}

std::vector<CarrierCircuit> CircuitBoard::Snapshot(TimePoint now) const {
  common::MutexLock lock(mutex_);
  std::vector<CarrierCircuit> circuits;
  circuits.reserve(order_.size());
  for (const std::string& carrier : order_) {
    circuits.push_back(CarrierCircuit{carrier, Find(carrier)->Snapshot(now)});
  }
  return circuits;
}

}  // namespace deliverer::routing
