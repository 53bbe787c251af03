#include "repo/chunk_catalogue.hpp"

#include <algorithm>

namespace cairn::repo {

void ChunkCatalogue::Load(const std::vector<std::string>& pack_names,
                          const std::vector<std::vector<PackEntry>>& tables) {
  std::size_t total = 0;
  for (const auto& t : tables) total += t.size();
  loaded_.clear();
  loaded_.reserve(total);
  std::lock_guard lock(mutex_);
  packs_.clear();
  for (std::size_t p = 0; p < pack_names.size(); ++p) {
    packs_.push_back(PackInfo{pack_names[p], PackState::kWritten});
    for (const PackEntry& e : tables[p]) {
      loaded_.push_back(
          Entry{e.id, ChunkLocation{static_cast<std::uint32_t>(p), e.offset, e.length}});
    }
  }
  // Stable: of two copies of a chunk, the one in the first pack (by name) is chosen.
  std::stable_sort(loaded_.begin(), loaded_.end(),
                   [](const Entry& a, const Entry& b) { return a.id < b.id; });
  loaded_.erase(std::unique(loaded_.begin(), loaded_.end(),
                            [](const Entry& a, const Entry& b) { return a.id == b.id; }),
                loaded_.end());
  loaded_.shrink_to_fit();
}

const ChunkCatalogue::Entry* ChunkCatalogue::FindLoaded(const Key256& id) const {
  auto it = std::lower_bound(loaded_.begin(), loaded_.end(), id,
                             [](const Entry& e, const Key256& k) { return e.id < k; });
  return it != loaded_.end() && it->id == id ? &*it : nullptr;
}

std::optional<ChunkLocation> ChunkCatalogue::Find(const Key256& id, bool open_too) const {
  const Entry* loaded = FindLoaded(id);
  std::lock_guard lock(mutex_);
  std::optional<ChunkLocation> at;
  if (auto it = added_.find(id); it != added_.end()) {
    if (it->second.pack != kReserved.pack) at = it->second;
  } else if (loaded) {
    at = loaded->at;
  }
  if (!at) return std::nullopt;
  const PackState state = packs_[at->pack].state;
  if (state == PackState::kWritten || (open_too && state == PackState::kOpen)) return at;
  return std::nullopt;
}

bool ChunkCatalogue::Reserve(const Key256& id) {
  const Entry* loaded = FindLoaded(id);
  std::lock_guard lock(mutex_);
  if (added_.count(id)) return false;
  if (loaded && packs_[loaded->at.pack].state != PackState::kDeleted) return false;
  added_.emplace(id, kReserved);
  return true;
}

void ChunkCatalogue::Place(const Key256& id, ChunkLocation at) {
  std::lock_guard lock(mutex_);
  added_[id] = at;
}

void ChunkCatalogue::Unreserve(const Key256& id) {
  std::lock_guard lock(mutex_);
  if (auto it = added_.find(id); it != added_.end() && it->second.pack == kReserved.pack) {
    added_.erase(it);
  }
}

std::uint32_t ChunkCatalogue::AddPack(std::string name) {
  std::lock_guard lock(mutex_);
  packs_.push_back(PackInfo{std::move(name), PackState::kOpen});
  return static_cast<std::uint32_t>(packs_.size() - 1);
}

void ChunkCatalogue::SetPackState(std::uint32_t pack, PackState state) {
  std::lock_guard lock(mutex_);
  packs_[pack].state = state;
}

void ChunkCatalogue::DropPack(std::uint32_t pack) {
  std::lock_guard lock(mutex_);
  packs_[pack].state = PackState::kDeleted;
  std::erase_if(added_, [&](const auto& kv) { return kv.second.pack == pack; });
}

std::string ChunkCatalogue::PackName(std::uint32_t pack) const {
  std::lock_guard lock(mutex_);
  return packs_[pack].name;
}

PackState ChunkCatalogue::PackStateOf(std::uint32_t pack) const {
  std::lock_guard lock(mutex_);
  return packs_[pack].state;
}

std::uint32_t ChunkCatalogue::PackCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::uint32_t>(packs_.size());
}

void ChunkCatalogue::ForEach(
    const std::function<void(const Key256&, const ChunkLocation&)>& fn) const {
  std::lock_guard lock(mutex_);
  auto written = [&](const ChunkLocation& at) {
    return at.pack != kReserved.pack && packs_[at.pack].state == PackState::kWritten;
  };
  for (const Entry& e : loaded_) {
    if (added_.count(e.id)) continue;  // moved since
    if (written(e.at)) fn(e.id, e.at);
  }
  for (const auto& [id, at] : added_) {
    if (written(at)) fn(id, at);
  }
}

}  // namespace cairn::repo
