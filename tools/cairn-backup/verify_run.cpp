#include "tools/cairn-backup/verify_run.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace cairn::backup {
namespace {

constexpr unsigned kMinThreads = 8;

}  // namespace

Result<VerifyReport> VerifyBackups(const repo::Repository& repository,
                                   const std::vector<repo::BackupManifest>& backups,
                                   unsigned threads) {
  VerifyReport report;
  std::vector<repo::Key256> ids;
  for (const repo::BackupManifest& m : backups) {
    ++report.backups;
    const std::size_t problems_before = report.problems.size();
    for (const repo::DiskRecord& d : m.disks) {
      Result<repo::DiskIndex> index = repository.GetIndex(d.index);
      if (!index) {
        report.problems.push_back(fmt::format("backup {} disk {}: {}", m.id, d.name,
                                              index.error().Text()));
        continue;
      }
      ++report.indexes;
      if (repo::DiskDigest(*index) != d.sha256) {
        report.problems.push_back(fmt::format(
            "backup {} disk {}: its index does not match the manifest's digest", m.id, d.name));
      }
      if (index->disk_size() != d.size) {
        report.problems.push_back(fmt::format("backup {} disk {}: its index covers {} bytes, the "
                                              "manifest says {}",
                                              m.id, d.name, index->disk_size(), d.size));
      }
      std::vector<repo::Key256> mine = index->DistinctChunks();
      ids.insert(ids.end(), mine.begin(), mine.end());
    }
    report.problems_by_backup[m.id] = report.problems.size() - problems_before;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // A pack whose table does not read hides its chunks: say which pack, besides each chunk;
  // a pack whose own table disagrees with its index would be misread once indexes are lost.
  Result<std::vector<std::string>> damaged = repository.DamagedPacks();
  if (!damaged) return std::unexpected(damaged.error());
  for (const std::string& d : *damaged) report.problems.push_back("pack " + d);
  Result<std::vector<std::string>> tables = repository.CheckPackTables();
  if (!tables) return std::unexpected(tables.error());
  for (const std::string& t : *tables) report.problems.push_back("pack " + t);
  // In the order the chunks lie in their packs: each pack is read front to back.
  repository.SortByLocation(ids);

  // More readers than cores: a chunk read from a cold cache waits on the disk, which serves
  // several reads at once.
  if (threads == 0) threads = std::max(kMinThreads, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::vector<repo::Key256> bad_chunks;
  auto work = [&] {
    std::uint64_t bytes = 0, chunks = 0;
    std::vector<std::string> problems;
    std::vector<repo::Key256> bad;
    for (std::size_t i = next++; i < ids.size(); i = next++) {
      Result<std::string> data = repository.GetChunk(ids[i]);
      if (!data) {
        problems.push_back(data.error().Text());
        bad.push_back(ids[i]);
        continue;
      }
      bytes += data->size();
      ++chunks;
    }
    std::lock_guard lock(mutex);
    report.bytes += bytes;
    report.chunks += chunks;
    report.problems.insert(report.problems.end(), problems.begin(), problems.end());
    bad_chunks.insert(bad_chunks.end(), bad.begin(), bad.end());
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  if (bad_chunks.empty()) return report;

  // Which backups the damage hits: their indexes read again (only when something is damaged,
  // so a clean verify holds one list of ids, not one per backup).
  std::sort(bad_chunks.begin(), bad_chunks.end());
  for (const repo::BackupManifest& m : backups) {
    for (const repo::DiskRecord& d : m.disks) {
      Result<repo::DiskIndex> index = repository.GetIndex(d.index);
      if (!index) continue;  // counted above
      for (const repo::Key256& id : index->DistinctChunks()) {
        if (std::binary_search(bad_chunks.begin(), bad_chunks.end(), id)) {
          ++report.problems_by_backup[m.id];
        }
      }
    }
  }
  return report;
}

}  // namespace cairn::backup
