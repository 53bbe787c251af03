// The bitmap values of disk_bitmaps.hpp: finding a bitmap, a checkpoint's bitmaps.
#include "drivers/qemu/disk_bitmaps.hpp"

namespace cairn::drivers::qemu {

const qmp::DirtyBitmapInfo* DiskBitmapView::Find(std::string_view name) const {
  for (const qmp::DirtyBitmapInfo& b : bitmaps) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const DiskBitmapView* ViewOf(const std::vector<DiskBitmapView>& views, std::string_view target) {
  for (const DiskBitmapView& v : views) {
    if (v.target == target) return &v;
  }
  return nullptr;
}

std::vector<BitmapRef> BitmapsOf(const conf::CheckpointDef& def) {
  std::vector<BitmapRef> out;
  for (const conf::CheckpointDiskDef& d : def.disks) {
    if (d.type == conf::CheckpointDiskType::kBitmap) out.push_back({d.name, d.bitmap});
  }
  return out;
}

std::vector<BitmapRef> PresentBitmaps(const std::vector<DiskBitmapView>& views,
                                      const std::vector<BitmapRef>& wanted) {
  std::vector<BitmapRef> present;
  for (const BitmapRef& b : wanted) {
    const DiskBitmapView* v = ViewOf(views, b.target);
    if (v != nullptr && v->Find(b.name) != nullptr) present.push_back(b);
  }
  return present;
}

Status DiskBitmaps::RemovePresent(const std::vector<BitmapRef>& bitmaps) {
  if (bitmaps.empty()) return {};
  Result<std::vector<DiskBitmapView>> views = Query();
  if (!views) return std::unexpected(views.error());
  const std::vector<BitmapRef> present = PresentBitmaps(*views, bitmaps);
  return present.empty() ? Status{} : Remove(present);
}

}  // namespace cairn::drivers::qemu
