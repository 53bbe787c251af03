// DiskBitmaps: the persistent dirty bitmaps of a domain's disks, read and changed either
// live through QEMU (the domain runs) or offline in the qcow2 files (it does not). Both
// sides offer the same operations, so checkpoint code states what it wants once.
// Guarantees: Add on a running domain is one QMP transaction — every disk gets its bitmap
// at the same instant, or none does. Offline there are no guest writes, so the instant
// is trivially shared; a failure part-way removes what was added before returning.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::drivers::qemu {

// One checkpointable disk: its target, QMP node, image file, and the bitmaps it carries,
// each described as QMP describes it (qmp::DirtyBitmapInfo), whether QEMU said so or
// qemu-img did (offline every bitmap is persistent and `count` is not known: 0; DirtyBytes
// asks for it).
struct DiskBitmapView {
  std::string target;
  std::string node;
  std::string image;
  std::vector<qmp::DirtyBitmapInfo> bitmaps;
  const qmp::DirtyBitmapInfo* Find(std::string_view name) const;
};

struct BitmapRef {
  std::string target;  // disk
  std::string name;    // bitmap
};

// The bitmaps a checkpoint relies on: one per disk it tracks with checkpoint='bitmap'.
std::vector<BitmapRef> BitmapsOf(const conf::CheckpointDef& def);
// The view of disk `target`, or nullptr.
const DiskBitmapView* ViewOf(const std::vector<DiskBitmapView>& views, std::string_view target);
// Those of `wanted` that `views` show, in the order asked.
std::vector<BitmapRef> PresentBitmaps(const std::vector<DiskBitmapView>& views,
                                      const std::vector<BitmapRef>& wanted);

class DiskBitmaps {
 public:
  virtual ~DiskBitmaps() = default;
  // The bitmaps of every qcow2 disk with media of the domain.
  virtual Result<std::vector<DiskBitmapView>> Query() = 0;
  virtual Status Add(const std::vector<BitmapRef>& bitmaps) = 0;
  virtual Status Remove(const std::vector<BitmapRef>& bitmaps) = 0;
  // Removes those of `bitmaps` the disks still have (one already gone is no error). By
  // default Query() then Remove(); live it is one transaction of them all, and QEMU is asked
  // what it has only when that fails: the common case is one QMP round trip, not two.
  virtual Status RemovePresent(const std::vector<BitmapRef>& bitmaps);
  // Bytes marked dirty in each bitmap, in the order asked. `views` is this call's Query():
  // live, QEMU's counts in it are the answer (no second query, whose reply grows with the
  // checkpoints); offline they are not known and the images are asked.
  virtual Result<std::vector<std::uint64_t>> DirtyBytes(
      const std::vector<BitmapRef>& bitmaps, const std::vector<DiskBitmapView>& views) = 0;
};

// Online: DomainSession::bitmaps() (domain_session.hpp).
// Offline: qemu-img for add/remove/list, a read-only qemu-storage-daemon for dirty counts.
std::unique_ptr<DiskBitmaps> OfflineBitmaps(const conf::DomainDef& def);

}  // namespace cairn::drivers::qemu
