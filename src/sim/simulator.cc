#include "sim/simulator.h"

#include "sim/engine.h"

namespace deliverer::sim {

Simulator::Simulator(boost::asio::io_context& io, SimOptions options)
    : engine_(std::make_shared<Engine>(io, std::move(options))) {}

Simulator::~Simulator() { engine_->Stop(); }

Result<Ports> Simulator::Start() { return engine_->Start(); }
void Simulator::Stop() { engine_->Stop(); }
const SimConfig& Simulator::config() const { return engine_->config(); }
Result<SimConfig> Simulator::PatchConfig(const nlohmann::json& patch) {
  return engine_->PatchConfig(patch);
}
Stats Simulator::stats() { return engine_->StatsNow(); }

}  // namespace deliverer::sim
