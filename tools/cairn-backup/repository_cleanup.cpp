#include "tools/cairn-backup/repository_cleanup.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace cairn::backup {

Result<std::vector<PrunePlanEntry>> Prune(repo::Repository& repository,
                                          std::optional<std::string_view> domain,
                                          const RetentionPolicy& policy, bool dry_run) {
  if (policy.Empty()) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                "prune needs a policy: --keep-last, --keep-hourly, --keep-daily, --keep-weekly "
                "or --keep-monthly");
  }
  Result<std::unique_ptr<repo::StoreLock>> lock = repository.Lock(repo::LockMode::kShared, true);
  if (!lock) return std::unexpected(lock.error());
  Result<std::vector<repo::BackupManifest>> all = repository.ListBackups(domain);
  if (!all) return std::unexpected(all.error());
  std::map<std::string, std::vector<repo::BackupManifest>> by_domain;
  for (repo::BackupManifest& m : *all) by_domain[m.domain_uuid].push_back(std::move(m));
  std::vector<PrunePlanEntry> plan;
  for (auto& [uuid, backups] : by_domain) {
    std::vector<RetentionDecision> decisions = ApplyRetention(backups, policy);
    for (std::size_t i = 0; i < backups.size(); ++i) {
      plan.push_back(PrunePlanEntry{std::move(backups[i]), std::move(decisions[i])});
    }
  }
  if (dry_run) return plan;
  for (const PrunePlanEntry& e : plan) {
    if (e.decision.keep) continue;
    if (Status ok = repository.DeleteBackup(e.backup); !ok) return std::unexpected(ok.error());
  }
  return plan;
}

Result<GcReport> CollectGarbage(repo::Repository& repository,
                                const std::function<void()>& waiting) {
  Result<std::unique_ptr<repo::StoreLock>> lock =
      repository.Lock(repo::LockMode::kExclusive, false);
  if (!lock && lock.error().code() == ErrorCode::kResourceBusy) {
    if (waiting) waiting();
    lock = repository.Lock(repo::LockMode::kExclusive, true);
  }
  if (!lock) return std::unexpected(lock.error());

  Result<std::vector<repo::BackupManifest>> all = repository.ListBackups();
  if (!all) return std::unexpected(all.error());
  std::set<std::string> named_indexes;
  std::set<std::string> verification_folders;
  std::vector<repo::Key256> named_chunks;
  for (const repo::BackupManifest& m : *all) {
    verification_folders.insert(repo::Repository::VerificationFolder(m.id));
    for (const repo::DiskRecord& d : m.disks) {
      named_indexes.insert(d.index);
      Result<repo::DiskIndex> index = repository.GetIndex(d.index);
      if (!index) return std::unexpected(index.error());  // never delete on a partial view
      std::vector<repo::Key256> ids = index->DistinctChunks();
      named_chunks.insert(named_chunks.end(), ids.begin(), ids.end());
    }
  }
  std::sort(named_chunks.begin(), named_chunks.end());
  named_chunks.erase(std::unique(named_chunks.begin(), named_chunks.end()), named_chunks.end());

  GcReport report;
  Result<std::vector<std::string>> indexes = repository.ListIndexObjects();
  if (!indexes) return std::unexpected(indexes.error());
  for (const std::string& name : *indexes) {
    if (named_indexes.count(name)) continue;
    if (Status ok = repository.DeleteObject(name); !ok) return std::unexpected(ok.error());
    ++report.indexes_deleted;
  }
  // Records of a verify that raced a prune of the backup it checked.
  Result<std::vector<std::string>> records = repository.ListVerificationObjects();
  if (!records) return std::unexpected(records.error());
  for (const std::string& name : *records) {
    if (verification_folders.count(name.substr(0, name.rfind('/')))) continue;
    if (Status ok = repository.DeleteObject(name); !ok) return std::unexpected(ok.error());
  }
  Result<repo::ChunkGcReport> chunks = repository.CollectChunks(named_chunks);
  if (!chunks) return std::unexpected(chunks.error());
  static_cast<repo::ChunkGcReport&>(report) = *chunks;
  if (Status ok = repository.Flush(); !ok) return std::unexpected(ok.error());
  return report;
}

}  // namespace cairn::backup
