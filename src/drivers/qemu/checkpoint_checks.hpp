// The checks a new checkpoint passes before anything changes — the same whether it is made
// by checkpoint-create or together with a backup (backup-begin's checkpoint XML), so that
// both refuse the same things with the same errors, in libvirt's order.
#pragma once

#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/disk_bitmaps.hpp"

namespace cairn::drivers::qemu {

// What QEMU needs of a new checkpoint (after conf::PrepareNewCheckpoint): every bitmap disk
// is a qcow2 image and its bitmap carries the checkpoint's name (VIR_ERR_CONFIG_UNSUPPORTED,
// with the --diskspec options that leave the disk out).
Status CheckBitmapDisks(const conf::CheckpointDef& def, const conf::DomainDef& domain);

// A bitmap that already carries the new checkpoint's name, with no checkpoint behind it
// (left by a metadata-only delete or lost metadata): VIR_ERR_OPERATION_FAILED naming it and
// the two ways out.
Status CheckNoStaleBitmap(const conf::CheckpointDef& def, const std::vector<DiskBitmapView>& views,
                          const DomainRecord& domain);

// REDEFINE_VALIDATE: every bitmap the checkpoint names exists, records and is consistent
// (VIR_ERR_CHECKPOINT_INCONSISTENT otherwise).
Status ValidateBitmaps(const conf::CheckpointDef& def, const std::vector<DiskBitmapView>& views);

}  // namespace cairn::drivers::qemu
