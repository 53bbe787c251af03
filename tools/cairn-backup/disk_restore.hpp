// cairn-backup/disk_restore.hpp — one disk of one backup written out as a raw or qcow2 image.
//
// qemu-img convert writes the image, reading the backup from nbdkit and Cairn's plugin (the
// one `serve` runs) on a private socket: QEMU's own writer, eight requests in flight written
// out of order and, where the file system allows, past the page cache (O_DIRECT). Thin: the
// plugin reports zero slots as holes, which qemu-img leaves unallocated. Verified: the index
// must match the manifest's digest, and the plugin checks every chunk against its id and size
// as it reads it; a damaged chunk fails the restore, naming the chunk. Durable and whole: the
// image is written under a hidden name of its own beside the target (".NAME.XXXXXX.partial"),
// synced, then renamed to its name without replacing anything, so a failed restore leaves
// nothing and a killed one only its hidden file (nbdkit and qemu-img die with this process).
// Thread rule: one call at a time per target; it blocks until qemu-img ends. Call it from a
// thread that outlives the call: qemu-img is killed when the thread that started it ends.
#pragma once

#include <filesystem>
#include <string>

#include "cairn/error.hpp"
#include "repo/disk_index.hpp"
#include "tools/cairn-backup/progress_display.hpp"
#include "tools/cairn-backup/served_disk.hpp"

namespace cairn::backup {

enum class ImageFormat { kRaw, kQcow2 };

struct RestoreTotals {
  std::uint64_t bytes_written = 0;
  std::uint64_t chunks = 0;
};

// Writes `source`'s disk, whose index is `index`, to a new image `target` (which must not
// exist) in `format`. Errors: kOperationInvalid if `target` exists; kOperationFailed if the
// index does not match the manifest's digest, for a missing or damaged chunk, or when
// qemu-img fails (its message); kSystemError if the target's directory cannot be written.
// `progress` (may be null) follows qemu-img's share of the data written.
Result<RestoreTotals> RestoreDisk(const ServedDisk& source, const repo::DiskIndex& index,
                                  const std::filesystem::path& target, ImageFormat format,
                                  DiskProgress* progress = nullptr);

}  // namespace cairn::backup
