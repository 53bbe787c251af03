// cairn-backup/retention_policy.hpp — which backups a --keep-* policy keeps, with restic's
// and borg's rules: walking from the newest, --keep-last N keeps N backups, and each of
// --keep-hourly/daily/weekly/monthly N keeps the newest backup of each of the N most recent
// hours/days/ISO weeks/months that have one (local time). A backup any rule keeps is kept.
// Thread rule: pure functions.
#pragma once

#include <string>
#include <vector>

#include "repo/backup_manifest.hpp"

namespace cairn::backup {

struct RetentionPolicy {
  unsigned last = 0, hourly = 0, daily = 0, weekly = 0, monthly = 0;
  bool Empty() const { return last + hourly + daily + weekly + monthly == 0; }
};

struct RetentionDecision {
  bool keep = false;
  std::vector<std::string> reasons;  // "last", "daily 2026-12-07", ...
};

// One decision per backup of `backups` (one domain's, oldest first), in the same order.
std::vector<RetentionDecision> ApplyRetention(const std::vector<repo::BackupManifest>& backups,
                                              const RetentionPolicy& policy);

}  // namespace cairn::backup
