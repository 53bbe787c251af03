// cairn-backup/chunk_pipeline.hpp — the CPU half of a backup: slots read from a disk are
// checked for zeros, hashed, compressed, (encrypted) and stored by a pool of threads while
// the reader keeps the NBD connection busy.
//
// Submit() hands over the bytes of a run of consecutive slots (one NBD read: large reads
// cost QEMU far less than many small ones) and blocks while `queue_limit` slots wait, so
// memory stays bounded when storage is slower than reading. The run's slots are stored by
// any worker, each a view into the run's one buffer. Each slot's outcome lands in the
// DiskIndex given at construction (a different slot per call, so no two threads write one).
// Thread rule: Submit() and Finish() from one thread; the workers are internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cairn/error.hpp"
#include "repo/disk_index.hpp"
#include "repo/repository.hpp"

namespace cairn::backup {

struct PipelineTotals {
  std::uint64_t bytes_read = 0;      // bytes submitted
  std::uint64_t bytes_stored = 0;    // bytes of new objects
  std::uint64_t bytes_nonzero = 0;   // bytes of slots that were not all zeros
  std::uint64_t chunks_new = 0;
  std::uint64_t chunks_reused = 0;
};

class ChunkPipeline {
 public:
  ChunkPipeline(repo::Repository& repository, repo::DiskIndex& index, unsigned threads,
                std::size_t queue_limit);
  ~ChunkPipeline();  // joins the workers (after Finish, or abandoning what is queued)

  // Queues the bytes of slots `first_slot`, `first_slot` + 1, ... (each the index's
  // SlotBytes long; `data` holds whole slots). Returns the first error a worker met, if any
  // (no more work should be submitted then).
  Status Submit(std::size_t first_slot, std::string&& data);

  // Waits for every queued slot; returns the first error, else the totals.
  Result<PipelineTotals> Finish();

 private:
  struct Work {
    std::size_t slot;
    std::shared_ptr<const std::string> run;  // the read this slot came in
    std::string_view data;                   // the slot's bytes, within `run`
  };
  void WorkerLoop();

  repo::Repository& repository_;
  repo::DiskIndex& index_;
  std::size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Work> queue_;
  std::size_t busy_ = 0;
  bool closing_ = false;
  Status first_error_;
  PipelineTotals totals_;
  std::vector<std::thread> workers_;
};

// True if every byte of `data` is zero.
bool IsAllZero(std::string_view data);

}  // namespace cairn::backup
