// cairn-backup/disk_restore.hpp — one disk of one backup written out as a raw or qcow2 image.
//
// qemu-img convert writes the image, reading the backup through Cairn's nbdkit plugin (the
// one `serve` runs) on a private socket: QEMU's own writer, with eight requests in flight
// written out of order and, where the file system allows, past the page cache (O_DIRECT).
// Thin: the plugin reports zero slots as holes, which qemu-img leaves unallocated. Verified:
// the index must match the manifest's digest, and the plugin checks every chunk against its
// id as it reads it; a damaged chunk fails the restore, naming the chunk. Durable and whole:
// the image is written under a hidden name beside the target (".NAME.partial"), flushed,
// then linked to its name, so a failed or killed restore never leaves a target that looks
// complete; a failure removes the partial image too.
// Thread rule: one call at a time per target; it blocks until qemu-img ends.
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
