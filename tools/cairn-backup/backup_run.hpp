// cairn-backup/backup_run.hpp — one backup of one domain into the repository, all its disks
// at one instant (one pull backup job), the disks read in parallel.
//
//   plan (level, base checkpoint, per-disk fallbacks) -> drop our stale checkpoints
//     -> BackupBegin(pull, new checkpoint) -> read every disk (BackupDisk) -> indexes
//     -> Commit(manifest)  [the backup exists from here]  -> end the job
//     -> drop our checkpoints older than the new one
//   any failure before Commit: end the job, delete the new checkpoint (its bitmaps merge
//   back into the base), nothing visible in the repository: the chain stays as it was.
//
// The checkpoint a run makes is named "cb-<repository id[0:8]>-<backup id>", so runs into
// different repositories never take each other's checkpoints; it becomes the next base
// only once its backup is committed.
// Thread rule: one run per domain and repository at a time, enforced across processes by
// a lock file in $TMPDIR (or /tmp): a second run is refused, naming the first's pid.
#pragma once

#include <string>
#include <vector>

#include "cairn/connection.hpp"
#include "cairn/error.hpp"
#include "repo/backup_manifest.hpp"
#include "repo/repository.hpp"
#include "tools/cairn-backup/progress_display.hpp"

namespace cairn::backup {

enum class BackupLevel { kFull, kIncremental, kAuto };

struct BackupRequest {
  std::string domain;               // name or UUID
  BackupLevel level = BackupLevel::kAuto;
  std::vector<std::string> disks;   // targets to back up; empty: every writable disk
  unsigned threads = 0;             // 0: one per core
  // Where news (a fallback to a full read, a stale checkpoint dropped) and each disk's
  // progress go; null: nowhere.
  ProgressDisplay* display = nullptr;
};

// Runs the backup. Errors: kNoDomain; kInvalidArg for an unknown disk or --level inc with no
// earlier backup; the API's, NBD's and the repository's errors.
Result<repo::BackupManifest> RunBackup(const Connection& connection,
                                       repo::Repository& repository,
                                       const BackupRequest& request);

// The prefix of the checkpoints this repository's runs make.
std::string CheckpointPrefix(const repo::Repository& repository);

}  // namespace cairn::backup
