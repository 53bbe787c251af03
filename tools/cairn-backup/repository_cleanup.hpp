// cairn-backup/repository_cleanup.hpp — prune (forget backups a retention policy does not
// keep) and gc (delete the chunks, indexes and records no backup names).
//
// prune removes each backup's manifest first (it stops existing), then its indexes; chunks
// stay until gc. It shares the repository with running backups: a running backup holds its
// previous index in memory and writes a full index of its own. gc takes the repository
// alone (it waits for running backups to finish), because a running backup's new chunks are
// named by no committed index yet.
// Thread rule: one call at a time per process.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "repo/repository.hpp"
#include "tools/cairn-backup/retention_policy.hpp"

namespace cairn::backup {

struct PrunePlanEntry {
  repo::BackupManifest backup;
  RetentionDecision decision;
};

// Applies `policy` to every domain's backups (only `domain`'s when given) and, unless
// `dry_run`, removes those it does not keep. Returns the plan, oldest first per domain.
// Errors: kInvalidArg for an empty policy; the repository's.
Result<std::vector<PrunePlanEntry>> Prune(repo::Repository& repository,
                                          std::optional<std::string_view> domain,
                                          const RetentionPolicy& policy, bool dry_run);

struct GcReport : repo::ChunkGcReport {
  std::uint64_t indexes_deleted = 0;  // left by killed runs or interrupted prunes
};

// Deletes every chunk, index and verification record no manifest names: packs none of whose
// chunks is named go, packs mostly unnamed are rewritten (repo::PackedChunks::Collect).
// `waiting` is called once if it must wait for running backups.
Result<GcReport> CollectGarbage(repo::Repository& repository,
                                const std::function<void()>& waiting = {});

}  // namespace cairn::backup
