// cairn-backup/backup_selector.hpp — "DOMAIN[@BACKUP]" resolved against the catalogue:
// the latest backup of DOMAIN (by name or UUID), or the one whose id is or begins with
// BACKUP. Thread rule: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "repo/backup_manifest.hpp"
#include "repo/repository.hpp"

namespace cairn::backup {

// Errors: kInvalidArg naming what matched nothing (or, for a prefix, more than one).
Result<repo::BackupManifest> SelectBackup(const repo::Repository& repository,
                                          std::string_view selector);

}  // namespace cairn::backup
