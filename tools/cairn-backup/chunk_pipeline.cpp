#include "tools/cairn-backup/chunk_pipeline.hpp"

#include <algorithm>
#include <cstring>

namespace cairn::backup {

bool IsAllZero(std::string_view data) {
  if (data.empty()) return true;
  // Compare the buffer with itself shifted by one after checking the first byte: memcmp is
  // vectorised, a byte loop is not.
  return data[0] == 0 && std::memcmp(data.data(), data.data() + 1, data.size() - 1) == 0;
}

ChunkPipeline::ChunkPipeline(repo::Repository& repository, repo::DiskIndex& index,
                             unsigned threads, std::size_t queue_limit)
    : repository_(repository), index_(index), queue_limit_(queue_limit == 0 ? 1 : queue_limit) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ChunkPipeline::~ChunkPipeline() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  for (std::thread& t : workers_) t.join();
}

Status ChunkPipeline::Submit(std::size_t first_slot, std::string&& data) {
  auto run = std::make_shared<const std::string>(std::move(data));
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < queue_limit_ || !first_error_; });
  if (!first_error_) return first_error_;
  totals_.bytes_read += run->size();
  std::string_view left = *run;
  for (std::size_t slot = first_slot; !left.empty(); ++slot) {
    const std::size_t length = std::min<std::size_t>(index_.SlotBytes(slot), left.size());
    queue_.push_back(Work{slot, run, left.substr(0, length)});
    left.remove_prefix(length);
  }
  lock.unlock();
  changed_.notify_all();
  return {};
}

Result<PipelineTotals> ChunkPipeline::Finish() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (queue_.empty() && busy_ == 0) || !first_error_; });
  if (!first_error_) return std::unexpected(first_error_.error());
  return totals_;
}

void ChunkPipeline::WorkerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (closing_) return;
    Work work = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    changed_.notify_all();  // room in the queue

    std::optional<repo::Key256> id;
    Result<repo::StoredChunk> stored;
    const bool zero = IsAllZero(work.data);
    if (!zero) {
      stored = repository_.PutChunk(work.data);
      if (stored) id = stored->id;
    }
    if (stored) index_.set_slot(work.slot, id);

    lock.lock();
    --busy_;
    if (!stored) {
      if (first_error_) first_error_ = std::unexpected(stored.error());
    } else if (!zero) {
      totals_.bytes_nonzero += work.data.size();
      totals_.bytes_stored += stored->stored_bytes;
      ++(stored->created ? totals_.chunks_new : totals_.chunks_reused);
    }
    changed_.notify_all();
  }
}

}  // namespace cairn::backup
