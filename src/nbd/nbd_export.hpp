// nbd/nbd_export.hpp — one client connection to an NBD export, through libnbd.
//
// What a backup tool asks of an export: its size, the extents of a metadata context
// (base:allocation, qemu:dirty-bitmap:NAME) a window at a time, and reads and writes, either
// one at a time or many in flight (ParallelReader drives the handle for that). One
// connection carries one stream of requests: use a second NbdExport to query extents while
// reads are in flight on the first.
// Thread rule: one thread at a time per NbdExport.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"

struct nbd_handle;

namespace cairn::nbd {

inline constexpr std::string_view kBaseAllocation = "base:allocation";
// base:allocation flags (NBD_STATE_*); a dirty bitmap's extent flag 1 means dirty.
inline constexpr std::uint32_t kStateHole = 1;
inline constexpr std::uint32_t kStateZero = 2;
inline constexpr std::uint32_t kStateDirty = 1;

struct Extent {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint32_t flags = 0;
};

class NbdExport {
 public:
  // Connects to `uri` ("nbd+unix:///vda?socket=/run/x.sock", "nbd://host:port/vda"),
  // asking the server for `meta_contexts`.
  // Errors: kOperationFailed with libnbd's message naming the URI.
  static Result<NbdExport> Connect(std::string_view uri,
                                   const std::vector<std::string>& meta_contexts = {});

  NbdExport(NbdExport&& other) noexcept;
  NbdExport& operator=(NbdExport&& other) noexcept;
  NbdExport(const NbdExport&) = delete;
  NbdExport& operator=(const NbdExport&) = delete;
  ~NbdExport();

  std::uint64_t size() const { return size_; }
  const std::string& uri() const { return uri_; }
  // Whether the server agreed to `context` at connection.
  bool HasContext(std::string_view context) const;
  bool read_only() const;

  // The extents of `context` from `offset` on, covering at most `length` bytes: as many as
  // the server describes in one reply (at least one). Extents are contiguous and in order.
  // Errors: kOperationFailed naming the export.
  Result<std::vector<Extent>> BlockStatus(std::string_view context, std::uint64_t offset,
                                          std::uint64_t length);

  Status Read(void* buffer, std::size_t length, std::uint64_t offset);
  Status Write(const void* buffer, std::size_t length, std::uint64_t offset);
  // Flushes the server's writes to its storage.
  Status Flush();

  // The libnbd handle, for ParallelReader / ParallelWriter. Still owned by this object.
  nbd_handle* handle() const { return handle_; }

 private:
  NbdExport(nbd_handle* handle, std::string uri, std::uint64_t size)
      : handle_(handle), uri_(std::move(uri)), size_(size) {}

  nbd_handle* handle_ = nullptr;
  std::string uri_;
  std::uint64_t size_ = 0;
};

// The error for a failed libnbd call about `what` (libnbd's last message on this thread).
Error LibnbdError(std::string_view what);

}  // namespace cairn::nbd
