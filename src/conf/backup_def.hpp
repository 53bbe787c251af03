// BackupDef: libvirt's <domainbackup> document (push and pull modes, per-disk stores, the
// NBD server of a pull backup). Public parsing validates against the embedded
// domainbackup.rng; the INTERNAL parse (status files) skips the schema and keeps the runtime
// fields (disk state, index, privateData). Formatting follows libvirt's canonical order.
// AlignBackupDisks completes a definition against the domain it will run on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"
#include "conf/xml_element.hpp"

namespace cairn::conf {

enum class BackupMode { kPush, kPull };
enum class BackupDiskMode { kDefault, kFull, kIncremental };
enum class BackupDiskState { kNone, kRunning, kComplete, kFailed, kCancelling, kCancelled };
enum class BackupStoreType { kNone, kFile, kBlock };

struct BackupServerDef {
  std::string transport = "tcp";  // "tcp", "unix" or "fd"
  std::optional<bool> tls;
  std::string name;     // tcp host
  unsigned port = 0;    // tcp port; 0 = not given
  std::string socket;   // unix socket path
  std::string fdgroup;  // fd transport
};

struct BackupDiskDef {
  std::string name;  // target ("vda")
  bool backup = true;
  BackupDiskState state = BackupDiskState::kNone;  // INTERNAL only
  BackupStoreType type = BackupStoreType::kNone;
  BackupDiskMode mode = BackupDiskMode::kDefault;
  std::string incremental;   // checkpoint this disk's incremental backup starts from
  std::string exportname;    // pull: NBD export name
  std::string exportbitmap;  // pull: name of the exported dirty bitmap
  unsigned index = 0;        // output only
  std::string format;        // <driver type=...>
  std::string store_path;    // push: target; pull: scratch (file= or dev=)
  std::vector<XmlElement> store_extra;  // <seclabel>, <encryption>: kept as written
};

struct BackupDef {
  BackupMode mode = BackupMode::kPush;
  std::string incremental;  // global checkpoint name; empty = full backup
  std::optional<BackupServerDef> server;
  std::vector<BackupDiskDef> disks;
  std::optional<XmlElement> private_data;  // INTERNAL only
};

// Parse/format flag (libvirt's VIR_DOMAIN_BACKUP_PARSE_INTERNAL).
inline constexpr unsigned kBackupParseInternal = 1u << 0;

// Parses a <domainbackup>. Errors: malformed XML VIR_ERR_XML_ERROR, schema violation
// VIR_ERR_XML_INVALID_SCHEMA, and libvirt's VIR_ERR_CONFIG_UNSUPPORTED / VIR_ERR_XML_ERROR
// checks (unknown mode, <server> in push mode, relative socket path, non-qcow2 pull store).
Result<BackupDef> ParseBackupXml(std::string_view xml, unsigned flags);

// Formats in libvirt's canonical layout; runtime fields only with INTERNAL.
std::string FormatBackupXml(const BackupDef& def, unsigned flags);

// Completes def against `domain`: every domain disk appears once (unlisted ones appended in
// domain order, taking part only when <disks> was omitted and they have writable media),
// stores without a path get `<source path>.<suffix>`, and every disk's mode and checkpoint
// are made explicit. Errors are VIR_ERR_CONFIG_UNSUPPORTED naming the disk.
Status AlignBackupDisks(BackupDef& def, const DomainDef& domain, std::string_view suffix);

}  // namespace cairn::conf
