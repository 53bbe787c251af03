// What bench/backup does to disks outside Cairn: the data it backs up, the raw copy it
// compares with, the data it keeps out of the page cache, and the guest writes an incremental
// backup picks up. Every function exits the program with a message on failure: a bench has
// nobody to return an error to.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cairn::bench {

inline constexpr std::uint64_t kMiB = 1ull << 20;

// Writes `bytes` of pseudo-random data (a fixed seed, so every run copies the same bytes) to
// a raw file. Random, not a pattern or zeros: nothing on the way can skip or compress it.
void WriteRandomFile(const std::string& path, std::uint64_t bytes);

// A qcow2 image of `virtual_bytes` whose first bytes are the raw file's, the rest unallocated
// (qemu-img convert, then resize).
void MakeQcow2WithData(const std::string& raw, const std::string& image,
                       std::uint64_t virtual_bytes);

// Writes every dirty page back (sync), then drops `path`'s pages from the page cache
// (fdatasync + POSIX_FADV_DONTNEED), so the next run reads it from the disk like the one
// before. Only the data files, not drop_caches: that would also evict the programs and
// libraries a run starts (qemu-img, Cairn itself), and the shared machine's other work.
void EvictFromPageCache(const std::string& path);

// How many bytes of `path` are in the page cache now (mincore).
std::uint64_t CachedBytes(const std::string& path);

// The first field of /proc/loadavg: how busy the shared machine was.
std::string LoadAverage();

// The first line `command` prints on stdout ("" if none): versions, file system types.
std::string FirstLineOf(const std::string& command);

// Wall milliseconds of `dd if=from of=to bs=4M conv=fsync`: the raw copy a backup is
// compared with (dd's own write + fsync, as the issue asks).
double TimedRawCopy(const std::string& from, const std::string& to);

// Writes through a running domain's disk as its guest would: HMP qemu-io on the virtio
// device's block backend, so the checkpoint bitmaps (and copy-before-write) see the writes.
// Connects to the domain's QMP socket for the duration of one call: QEMU serves one QMP
// client at a time, and Cairn needs the monitor between calls. Writes are of byte `pattern`
// (never 0: zeros could be skipped).
class GuestWriter {
 public:
  GuestWriter(std::string qmp_socket, std::string device, std::uint64_t disk_bytes)
      : qmp_socket_(std::move(qmp_socket)), device_(std::move(device)), disk_bytes_(disk_bytes) {}

  // One run of `bytes` from `offset`: one write command.
  void DirtyContiguous(std::uint64_t offset, std::uint64_t bytes, int pattern) const;

  // `bytes` as writes of `granule` bytes (the bitmap's granularity), spread evenly over the
  // whole disk: one every disk_bytes / (bytes / granule). One write command each.
  void DirtyScattered(std::uint64_t bytes, std::uint64_t granule, int pattern) const;

 private:
  void Write(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& runs, int pattern) const;

  std::string qmp_socket_;
  std::string device_;
  std::uint64_t disk_bytes_;
};

}  // namespace cairn::bench
