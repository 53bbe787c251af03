// cairn-backup/catalogue.hpp — what `list` and `info` print: backups as a table or as JSON
// (for schedulers), sizes in binary units. Thread rule: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "repo/backup_manifest.hpp"

namespace cairn::backup {

// One row per backup: id, domain, level, checkpoint, disks, logical size, new data, time.
std::string FormatBackupTable(const std::vector<repo::BackupManifest>& backups);
// Everything a manifest says but the XML documents, one field per line.
std::string FormatBackupInfo(const repo::BackupManifest& backup);
// A manifest's summary (no XML documents) as JSON.
nlohmann::json BackupSummaryJson(const repo::BackupManifest& backup);
// "1.50 GiB", "64.0 KiB", "512 B".
std::string HumanBytes(std::uint64_t bytes);

}  // namespace cairn::backup
