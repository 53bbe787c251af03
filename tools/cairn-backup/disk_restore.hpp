// cairn-backup/disk_restore.hpp — one disk of one backup written out as a raw or qcow2 image.
//
// Thin: slots that are zeros are never written (a new raw file is sparse; a new qcow2 reads
// zeros where nothing was written), so the restored image allocates what the disk held.
// Parallel: worker threads each claim 1 MiB of slots, fetch and check them, and write each
// run of stored slots in one request. Verified: every chunk is checked against its id as it
// is read, and the ids written are hashed into the disk digest, which must equal the
// manifest's; a mismatch fails the restore and removes the image.
// Thread rule: one call at a time per target; it runs its own workers.
#pragma once

#include <filesystem>
#include <string>

#include "cairn/error.hpp"
#include "repo/disk_index.hpp"
#include "repo/repository.hpp"
#include "tools/cairn-backup/progress_display.hpp"

namespace cairn::backup {

enum class ImageFormat { kRaw, kQcow2 };

struct RestoreTotals {
  std::uint64_t bytes_written = 0;
  std::uint64_t chunks = 0;
};

// Writes the disk `index` describes to a new image `target` (which must not exist) in
// `format`, checking it against `expected_digest` (DiskDigest of the backed-up index).
// Errors: kOperationInvalid if `target` exists; kOperationFailed for a missing or damaged
// chunk or a digest mismatch; kSystemError for the target's I/O. On failure the target is
// removed. `threads` 0: two a core. `progress` (may be null) follows the slots written.
Result<RestoreTotals> RestoreDisk(const repo::Repository& repository,
                                  const repo::DiskIndex& index, std::string_view expected_digest,
                                  const std::filesystem::path& target, ImageFormat format,
                                  unsigned threads = 0, DiskProgress* progress = nullptr);

}  // namespace cairn::backup
