// CheckpointDef: libvirt's <domaincheckpoint> document. Parsing always validates against
// the embedded domaincheckpoint.rng (as libvirt does, unconditionally); formatting emits
// libvirt's canonical order (name, description, parent, creationTime, disks, domain) so
// output is byte-identical to libvirt's. Disk alignment completes a definition against the
// domain it belongs to. Nothing here touches a hypervisor or a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"

namespace cairn::conf {

// How a disk takes part in a checkpoint (the <disk checkpoint=...> attribute).
enum class CheckpointDiskType { kDefault, kNo, kBitmap };

struct CheckpointDiskDef {
  std::string name;    // target ("vda"); may be a source path before alignment
  CheckpointDiskType type = CheckpointDiskType::kDefault;
  std::string bitmap;  // bitmap name; defaults to the checkpoint name
  std::optional<std::uint64_t> size;  // bytes dirtied since the checkpoint, when computed
};

struct CheckpointDef {
  std::string name;
  std::string description;
  std::string parent;             // empty for a root
  std::int64_t creation_time = 0;  // seconds since the epoch; 0 = not set
  std::vector<CheckpointDiskDef> disks;
  std::optional<DomainDef> domain;  // the inactive domain definition at checkpoint time
};

// Parse flags (libvirt's VIR_DOMAIN_CHECKPOINT_PARSE_*).
inline constexpr unsigned kCheckpointParseRedefine = 1u << 0;

// Format flags (libvirt's VIR_DOMAIN_CHECKPOINT_FORMAT_*, equal to the public XML flags).
inline constexpr unsigned kCheckpointFormatSecure = 1u << 0;
inline constexpr unsigned kCheckpointFormatNoDomain = 1u << 1;
inline constexpr unsigned kCheckpointFormatSize = 1u << 2;

// Parses and schema-validates a <domaincheckpoint>. Without REDEFINE, parent, creationTime
// and domain are read-only output fields and are ignored. With REDEFINE every field counts:
// a missing name is VIR_ERR_XML_ERROR, a missing creationTime VIR_ERR_INTERNAL_ERROR.
// Malformed XML: VIR_ERR_XML_ERROR; schema violation: VIR_ERR_XML_INVALID_SCHEMA.
Result<CheckpointDef> ParseCheckpointXml(std::string_view xml, unsigned flags);

// Formats in libvirt's canonical layout. `size` is printed only with SIZE and only where a
// size was computed; the domain only without NO_DOMAIN; secrets only with SECURE.
std::string FormatCheckpointXml(const CheckpointDef& def, unsigned flags);

// Completes def.disks against `domain` the way libvirt does: one entry per domain disk, in
// domain order, named by target; listed disks default to bitmap, unlisted ones to no (or,
// when <disks> was omitted, bitmap for every disk with writable media); bitmap names default
// to the checkpoint name. Errors are VIR_ERR_CONFIG_UNSUPPORTED naming the disk: unknown,
// listed twice, empty or read-only but asked for a bitmap, more entries than disks, or a
// domain without disks.
Status AlignCheckpointDisks(CheckpointDef& def, const DomainDef& domain);

// Gives every bitmap disk without a bitmap name the checkpoint's name (what alignment does
// last; used alone when a redefinition carries no domain).
void FillDefaultBitmapNames(CheckpointDef& def);

// A checkpoint name is used as a file name: it must be non-empty, at most 255 bytes, not
// start with '.', and contain no '/' and no control character. VIR_ERR_INVALID_ARG otherwise.
Status ValidateCheckpointName(std::string_view name);

}  // namespace cairn::conf
