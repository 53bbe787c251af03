// repo/backup_manifest.hpp — what one backup is: the record that makes it visible.
//
// A backup exists once its manifest exists: the manifest is written last, after every chunk
// and index it names is durable, so a killed run leaves no visible half-backup. It carries
// what a restore needs without the source: the domain and checkpoint XML, and per disk its
// size, format, index and the SHA-256 of its whole content (checked by verify and restore).
// Encoded as JSON (format 1, docs/repository-format.md). Thread rule: a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"

namespace cairn::repo {

struct DiskRecord {
  std::string name;             // the disk's target ("vda")
  std::string format;           // the source image's format ("qcow2", "raw")
  std::uint64_t size = 0;       // virtual size in bytes
  std::string index;            // object name of its DiskIndex
  std::string sha256;           // hex SHA-256 of the whole disk as restored
  bool read_in_full = false;    // an incremental that read this disk whole (and why)
  std::string full_read_reason;
  std::uint64_t bytes_read = 0;     // bytes read from the source
  std::uint64_t bytes_stored = 0;   // new bytes this backup added to the repository
  std::uint64_t bytes_allocated = 0;  // non-zero bytes of the disk
};

struct BackupManifest {
  std::string id;               // "20261207t061500.042z-9f2c41d0": sorts by time
  std::string domain_name;
  std::string domain_uuid;
  std::string level;            // "full" or "inc"
  std::string checkpoint;       // the checkpoint made at the backup's instant
  std::optional<std::string> base_checkpoint;  // an incremental's starting point
  std::optional<std::string> parent;           // the backup an incremental follows
  std::int64_t started_ms = 0;  // Unix time, milliseconds
  std::int64_t completed_ms = 0;
  std::string tool_version;
  std::string domain_xml;
  std::string checkpoint_xml;
  std::vector<DiskRecord> disks;

  std::string Encode() const;
  // Errors: kOperationFailed naming `name` if `json` is not a format-1 manifest.
  static Result<BackupManifest> Decode(std::string_view name, std::string_view json);

  const DiskRecord* FindDisk(std::string_view disk) const;
};

}  // namespace cairn::repo
