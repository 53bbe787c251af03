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
  std::string format;   // <driver type=...>: "qcow2", "raw"
  std::string source;   // <source file=...> or dev=...; empty for empty media
  bool read_only = false;
};

// The <disk device='disk'> elements of a <domain> document, in document order.
// Errors: kXmlError if `xml` is not well-formed.
Result<std::vector<DomainDisk>> ParseDomainDisks(std::string_view xml);

}  // namespace cairn::backup
