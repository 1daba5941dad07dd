#include "sim/links.h"

#include <algorithm>

#include "smpp/pdu.h"

namespace deliverer::sim {

uint32_t Link::NextSeq() {
  last_seq = smpp::NextSequenceNumber(last_seq);
  return last_seq;
}

std::shared_ptr<Link> LinkTable::Add(std::shared_ptr<smpp::net::Channel> channel) {
  auto link = std::make_shared<Link>();
  link->id = next_id_++;
  link->channel = std::move(channel);
  links_.emplace(link->id, link);
  return link;
}

Link* LinkTable::Find(uint64_t id) {
  auto it = links_.find(id);
  return it == links_.end() ? nullptr : it->second.get();
}

void LinkTable::Remove(uint64_t id) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  if (it->second->CanReceive()) {
    auto rotation = receivers_.find(it->second->system_id);
    if (rotation != receivers_.end()) {
      Erase(rotation->second, id);
      if (rotation->second.ids.empty()) receivers_.erase(rotation);
    }
    Erase(all_receivers_, id);
  }
  links_.erase(it);
}

void LinkTable::Bound(Link& link) {
  if (!link.CanReceive()) return;
  receivers_[link.system_id].ids.push_back(link.id);
  all_receivers_.ids.push_back(link.id);
}

Link* LinkTable::NextReceiver(std::string_view system_id) {
  auto it = receivers_.find(std::string(system_id));
  return it == receivers_.end() ? nullptr : Next(it->second);
}

Link* LinkTable::NextAnyReceiver() { return Next(all_receivers_); }

size_t LinkTable::bound() const {
  return static_cast<size_t>(std::count_if(links_.begin(), links_.end(), [](const auto& entry) {
    return entry.second->bind != BindKind::kNone && !entry.second->closing;
  }));
}

std::vector<std::shared_ptr<Link>> LinkTable::Snapshot() const {
  std::vector<std::shared_ptr<Link>> out;
  out.reserve(links_.size());
  for (const auto& [id, link] : links_) out.push_back(link);
  return out;
}

Link* LinkTable::Next(Rotation& rotation) {
  for (size_t tries = 0; tries < rotation.ids.size(); ++tries) {
    const uint64_t id = rotation.ids[rotation.next++ % rotation.ids.size()];
    Link* link = Find(id);
    if (link && link->Usable()) return link;
  }
  return nullptr;
}

void LinkTable::Erase(Rotation& rotation, uint64_t id) {
  auto& ids = rotation.ids;
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

}  // namespace deliverer::sim
