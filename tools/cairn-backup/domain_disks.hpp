// cairn-backup/domain_disks.hpp — the disks of a domain as its XML describes them: what a
// backup records per disk besides the data (target, image format, source path).
// Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"

namespace cairn::backup {

struct DomainDisk {
  std::string target;   // "vda"
  std::string type;     // <disk type=...>: "file", "block"...
  std::string format;   // <driver type=...>: "qcow2", "raw"
  std::string source;   // <source file=...> or dev=...; empty for empty media
  bool read_only = false;
};

// The <disk device='disk'> elements of a <domain> document, in document order.
// Errors: kXmlError if `xml` is not well-formed.
Result<std::vector<DomainDisk>> ParseDomainDisks(std::string_view xml);

struct RestoredDisk {
  std::string target;  // "vda"
  std::string path;    // the restored image
  std::string format;  // "qcow2" or "raw"
};

// The <domain> document `xml` (a backup's saved definition) rewritten for its restored disks:
// named `name` (without its <uuid> when the name changes, so that the new domain gets its
// own), each restored disk's <source file> and <driver type> pointing at the restored image.
// Errors: kXmlError if `xml` is not well-formed; kInvalidArg if a restored disk is not in it.
Result<std::string> DomainXmlForRestore(std::string_view xml, std::string_view name,
                                        const std::vector<RestoredDisk>& disks);

}  // namespace cairn::backup
