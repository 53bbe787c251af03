// cairn/checkpoint_bitmaps.hpp — the health of the bitmaps a checkpoint relies on, as
// Checkpoint::CheckBitmaps and Domain::CheckCheckpointBitmaps report it (a Cairn extension).
// Plain values only, shared by the public API and the drivers; no handles.
#pragma once

#include <string>
#include <vector>

namespace cairn {

// The state of one bitmap a checkpoint relies on (a Cairn extension; libvirt has no call
// for it and only fails later, at backup time or on redefine-validate).
enum class BitmapHealth {
  kOk,            // present, persistent, recording
  kMissing,       // the image has no bitmap of that name
  kInconsistent,  // left "in-use" by a QEMU that died, or not recording: unusable
};

struct CheckpointBitmapState {
  std::string disk;    // target ("vda")
  std::string bitmap;  // bitmap name
  BitmapHealth health = BitmapHealth::kOk;
};

// The bitmap health of one checkpoint, as Domain::CheckCheckpointBitmaps reports it.
struct CheckpointBitmapReport {
  std::string checkpoint;
  std::vector<CheckpointBitmapState> bitmaps;
};

}  // namespace cairn
