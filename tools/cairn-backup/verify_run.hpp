// cairn-backup/verify_run.hpp — proof that backups restore, without restoring them: every
// index decodes and matches its manifest's digest, and every chunk an index names is
// present, decrypts, decompresses and hashes to its id, and every pack's table reads. Each
// chunk is checked once however many backups share it, in the order chunks lie in their
// packs, by a pool of threads (at least 8, so reads from a cold cache overlap). A damaged
// chunk is charged to every backup that uses it.
// Thread rule: one call at a time per repository.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "repo/backup_manifest.hpp"
#include "repo/repository.hpp"

namespace cairn::backup {

struct VerifyReport {
  std::uint64_t backups = 0;
  std::uint64_t indexes = 0;
  std::uint64_t chunks = 0;
  std::uint64_t bytes = 0;             // plain bytes of the chunks checked
  std::vector<std::string> problems;   // one line each; empty: all good
  std::map<std::string, std::uint64_t> problems_by_backup;  // every backup checked: its count
};

// Verifies `backups` with `threads` threads (0: the default pool). Errors only for failures
// to read the repository at all; damage is reported in `problems`.
Result<VerifyReport> VerifyBackups(const repo::Repository& repository,
                                   const std::vector<repo::BackupManifest>& backups,
                                   unsigned threads = 0);

}  // namespace cairn::backup
