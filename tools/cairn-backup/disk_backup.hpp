// cairn-backup/disk_backup.hpp — one disk's export read into the repository as a DiskIndex.
//
// Which slots are read: with a previous index and the export's dirty bitmap (an incremental),
// only slots the bitmap marks dirty; every other slot keeps the previous backup's chunk.
// Of those, a slot the allocation map (base:allocation) shows as reading zeros is recorded
// as zeros unread, so blocks the guest trimmed since the last backup restore as zeros; the
// rest are read (many in flight) and stored by the ChunkPipeline. The extents are walked a
// window at a time on a second connection, so reading starts at once on a large disk.
// Trust, but check: before an incremental reads, a random sample of slots the bitmap calls
// clean is read and compared with the previous backup; one that differs means the change
// tracker missed a write, and the disk is read in full instead (the reason says so).
// Thread rule: one call at a time per disk; it runs its own reader and worker threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cairn/error.hpp"
#include "repo/disk_index.hpp"
#include "repo/repository.hpp"
#include "tools/cairn-backup/chunk_pipeline.hpp"
#include "tools/cairn-backup/progress_display.hpp"

namespace cairn::backup {

struct DiskSource {
  std::string uri;                          // the NBD URI of the disk's export
  std::optional<std::string> dirty_bitmap;  // an incremental's exported bitmap ("backup-vda")
};

struct DiskBackupOptions {
  unsigned reads_in_flight = 16;
  // Consecutive slots to read are read together, up to this much per NBD request. QEMU's
  // CPU per GiB read, warm cache: 1.3 s in 64 KiB requests, 0.62 s in 256 KiB, 0.97 s in
  // 1 MiB (larger buffers cost it more than the fewer requests save).
  std::uint32_t max_read_bytes = 256 << 10;
  unsigned threads = 0;           // 0: one per core
  std::size_t queue_limit = 64;   // slots read but not yet stored
  unsigned clean_samples = 32;    // clean slots checked against the previous backup
  DiskProgress* progress = nullptr;  // if set: the disk's size, offset reached, bytes read
};

struct DiskBackupResult {
  repo::DiskIndex index;
  PipelineTotals totals;
  bool read_in_full = true;
  std::string full_read_reason;   // why an incremental read the whole disk ("" for a full)
  unsigned clean_slots_checked = 0;
  bool change_tracker_failed = false;  // a sampled clean slot differed from the last backup
};

// Backs up the disk exported at `source` into `repository`. `previous` (may be null) is
// the index of the backup `source.dirty_bitmap` counts changes from.
// Errors: the NBD layer's (kOperationFailed naming the URI) and the repository's.
Result<DiskBackupResult> BackupDisk(repo::Repository& repository, const DiskSource& source,
                                    const repo::DiskIndex* previous,
                                    const DiskBackupOptions& options = {});

}  // namespace cairn::backup
