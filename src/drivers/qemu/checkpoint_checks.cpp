// Checks of a new checkpoint against the domain, its disks and their bitmaps.
#include "drivers/qemu/checkpoint_checks.hpp"

#include <fmt/format.h>

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;

// The --diskspec options that leave `left_out` out and keep every other disk as `def` has
// it: naming one disk leaves every unnamed one out (libvirt's rule), so each is named.
std::string DiskspecWithout(const conf::CheckpointDef& def, const conf::DomainDef& domain,
                            std::string_view left_out) {
  std::string specs;
  for (const conf::CheckpointDiskDef& d : def.disks) {
    const bool bitmap = d.name != left_out && d.type == conf::CheckpointDiskType::kBitmap;
    const conf::DomainDiskDef* disk = domain.FindDisk(d.name);
    const bool qcow2 = disk != nullptr && disk->format == "qcow2";
    if (!specs.empty()) specs += ' ';
    specs += fmt::format("--diskspec {},checkpoint={}", d.name, bitmap && qcow2 ? "bitmap" : "no");
  }
  return specs;
}

}  // namespace

// Every bitmap disk must be a qcow2 image, and the bitmap must carry the checkpoint's name.
Status CheckBitmapDisks(const conf::CheckpointDef& def, const conf::DomainDef& domain) {
  for (const conf::CheckpointDiskDef& d : def.disks) {
    if (d.type != conf::CheckpointDiskType::kBitmap) continue;
    const conf::DomainDiskDef* disk = domain.FindDisk(d.name);
    std::string format = disk && !disk->format.empty() ? disk->format : "raw";
    if (format != "qcow2") {
      return Fail(ErrorCode::kConfigUnsupported, kErr,
                  fmt::format("checkpoint for disk {} unsupported for storage type {}; leave it "
                              "out with {}",
                              d.name, format, DiskspecWithout(def, domain, d.name)));
    }
    if (d.bitmap != def.name) {
      return Fail(
          ErrorCode::kConfigUnsupported, kErr,
          fmt::format("bitmap for disk '{}' must match checkpoint name '{}'", d.name, def.name));
    }
  }
  return {};
}

// A bitmap that already carries the new checkpoint's name, with no checkpoint behind it:
// left by a metadata-only delete or lost metadata. Name it and say how to resolve it.
Status CheckNoStaleBitmap(const conf::CheckpointDef& def, const std::vector<DiskBitmapView>& views,
                          const DomainRecord& domain) {
  for (const BitmapRef& b : BitmapsOf(def)) {
    const DiskBitmapView* v = ViewOf(views, b.target);
    if (v == nullptr || v->Find(b.name) == nullptr) continue;
    std::string how =
        domain.active()
            ? fmt::format(
                  "adopt it with 'cairn checkpoint-create {} FILE --redefine' using "
                  "saved checkpoint XML, or shut the domain off and remove it with "
                  "'qemu-img bitmap --remove {} {}'",
                  domain.def.name(), v->image, b.name)
            : fmt::format(
                  "adopt it with 'cairn checkpoint-create {} FILE --redefine' using "
                  "saved checkpoint XML, or remove it with 'qemu-img bitmap --remove {} {}'",
                  domain.def.name(), v->image, b.name);
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("disk '{}' already has a bitmap '{}' that no checkpoint owns (stale "
                            "after a metadata-only delete?): {}",
                            b.target, b.name, how));
  }
  return {};
}

// REDEFINE_VALIDATE: every bitmap the checkpoint names exists, records and is consistent.
Status ValidateBitmaps(const conf::CheckpointDef& def, const std::vector<DiskBitmapView>& views) {
  for (const BitmapRef& b : BitmapsOf(def)) {
    const DiskBitmapView* v = ViewOf(views, b.target);
    const qmp::DirtyBitmapInfo* s = v ? v->Find(b.name) : nullptr;
    if (s == nullptr || s->inconsistent || !s->recording || !s->persistent) {
      return Fail(ErrorCode::kCheckpointInconsistent, kErr,
                  fmt::format("missing or broken bitmap '{}' for disk '{}': recover by deleting "
                              "checkpoint '{}' and taking a full backup",
                              b.name, b.target, def.name));
    }
  }
  return {};
}

}  // namespace cairn::drivers::qemu
