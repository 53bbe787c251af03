// cairn-backup/catalogue.hpp — what `list` and `info` print: backups as a table or as JSON
// (for schedulers), sizes in binary units. Thread rule: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "repo/backup_manifest.hpp"
#include "repo/verification_record.hpp"

namespace cairn::backup {

// The latest verify of each backup, by backup id (Repository::LatestVerifications).
using Verifications = std::map<std::string, repo::VerificationRecord>;

// One row per backup: id, domain, level, time, disks, logical size, new data, duration,
// and the outcome of its latest verify ("ok", "DAMAGED", "never").
std::string FormatBackupTable(const std::vector<repo::BackupManifest>& backups,
                              const Verifications& verified);
// Everything a manifest says but the XML documents, one field per line; `verified` is the
// backup's latest verify (null: never verified).
std::string FormatBackupInfo(const repo::BackupManifest& backup,
                             const repo::VerificationRecord* verified);
// A manifest's summary (no XML documents) as JSON, with its latest verify or null.
nlohmann::json BackupSummaryJson(const repo::BackupManifest& backup,
                                 const repo::VerificationRecord* verified);
// The latest verify of `id` in `verified`, or null.
const repo::VerificationRecord* FindVerification(const Verifications& verified,
                                                 const std::string& id);
// "1.50 GiB", "64.0 KiB", "512 B".
std::string HumanBytes(std::uint64_t bytes);

}  // namespace cairn::backup
