// cairn/backup_spec.hpp — a <domainbackup> as a value: push or pull, full or incremental,
// and per disk where it goes. ToXml() writes the document Domain::BackupBegin takes;
// FromXml() reads one (such as BackupGetXmlDesc's, with the names and paths the driver
// filled in) with the library's own schema-validating parser. Plain values: copyable, no
// handles; safe to use from any thread. Not represented: a store's <seclabel> and
// <encryption> children, and the "fd" NBD transport (FromXml drops them).
#pragma once

#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"

namespace cairn {

enum class BackupMode {
  kPush,  // the hypervisor writes each disk's point-in-time view into a target file/device
  kPull,  // the hypervisor exports each disk's view over NBD until the job is ended
};

// How a disk's store is named: a file (<target file=...>, <scratch file=...>) or a block
// device (dev=...).
enum class BackupStoreType { kFile, kBlock };

// A disk's <disk backupmode=...>; kDefault: incremental when the backup is.
enum class BackupDiskMode { kDefault, kFull, kIncremental };

// The NBD server of a pull backup.
struct NbdServerSpec {
  std::string transport = "tcp";  // "tcp" or "unix"
  std::string host{};             // tcp: the name to listen on; empty: the driver's default
  unsigned port = 0;              // tcp: 0 lets the driver choose
  std::string socket{};           // unix: an absolute path

  // The NBD URI a client (nbdinfo, nbdcopy, qemu-img) reads export `export_name` at:
  // "nbd+unix:///EXPORT?socket=PATH" or "nbd://HOST:PORT/EXPORT" (host "localhost" and
  // port 10809 when not given; an IPv6 host in brackets).
  std::string ExportUri(std::string_view export_name) const;
  bool operator==(const NbdServerSpec&) const = default;
};

struct BackupDiskSpec {
  std::string name;    // the domain's disk target ("vda")
  bool backup = true;  // false: the disk is left out (<disk name='vdb' backup='no'/>)
  BackupDiskMode mode = BackupDiskMode::kDefault;
  std::string incremental{};  // this disk's checkpoint, when it differs from the backup's
  BackupStoreType store_type = BackupStoreType::kFile;
  // Push: the target written; pull: the scratch image that keeps what the guest overwrites.
  // Empty: the driver's default (next to the disk's image).
  std::string store_path{};
  std::string format{};         // the store's format ("qcow2", "raw"); empty: the default
  std::string export_name{};    // pull: the NBD export's name; empty: the disk's name
  std::string export_bitmap{};  // pull, incremental: the exported dirty bitmap's name
  bool operator==(const BackupDiskSpec&) const = default;
};

struct BackupSpec {
  BackupMode mode = BackupMode::kPush;
  // The checkpoint an incremental backup starts from; empty: a full backup.
  std::string incremental{};
  std::optional<NbdServerSpec> server{};  // pull only; absent: the driver's default
  // The disks and their stores; empty: every disk with writable media, with default stores.
  std::vector<BackupDiskSpec> disks{};

  // The <domainbackup> document, in libvirt's layout, ending in a newline.
  std::string ToXml() const;
  // Parses (and schema-validates) a <domainbackup>; a driver's description that only its
  // output-only attributes (libvirt's index=) put outside the schema is read too. Errors: the XML layer's, as
  // BackupBegin reports them (VIR_ERR_XML_DETAIL for text that is not well-formed,
  // VIR_ERR_XML_ERROR, VIR_ERR_XML_INVALID_SCHEMA, VIR_ERR_CONFIG_UNSUPPORTED).
  static Result<BackupSpec> FromXml(std::string_view xml);

  // ExportUri of disk `disk`'s export in a pull backup (its export name, else its name);
  // empty for a push backup or a disk left out.
  std::string ExportUri(const BackupDiskSpec& disk) const;

  bool operator==(const BackupSpec&) const = default;
};

}  // namespace cairn
