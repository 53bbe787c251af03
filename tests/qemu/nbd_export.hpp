// tests/qemu/nbd_export.hpp — NbdExport, a client of one export of a pull-mode backup, read
// through libnbd the way a third-party backup tool reads it: the data with NBD_CMD_READ, the
// changed blocks with NBD_CMD_BLOCK_STATUS on the qemu:dirty-bitmap:NAME metadata context.
//
// Owns its libnbd handle (closed on destruction). Not thread-safe: one thread per NbdExport.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/error.hpp"

struct nbd_handle;

namespace cairn::test {

class NbdExport {
 public:
  struct Extent {
    std::uint64_t offset;
    std::uint64_t length;
    bool operator==(const Extent&) const = default;
  };

  // Connects to export `name` of the NBD server on unix socket `socket`. With a non-empty
  // `bitmap`, also negotiates the metadata context "qemu:dirty-bitmap:<bitmap>" and fails
  // (kOperationFailed) if the server does not offer it. Errors carry libnbd's message.
  static Result<NbdExport> Connect(const std::string& socket, const std::string& name,
                                   const std::string& bitmap = {});

  std::uint64_t size() const { return size_; }

  // `length` bytes at `offset`.
  Result<std::string> Read(std::uint64_t offset, std::uint64_t length);

  // The extents the dirty-bitmap context marks dirty over the whole export, adjacent ones
  // merged, in offset order. Requires a `bitmap` at Connect.
  Result<std::vector<Extent>> Dirty();

 private:
  struct Close {
    void operator()(nbd_handle* h) const;
  };
  NbdExport(std::unique_ptr<nbd_handle, Close> h, std::uint64_t size, std::string context)
      : h_(std::move(h)), size_(size), context_(std::move(context)) {}

  std::unique_ptr<nbd_handle, Close> h_;
  std::uint64_t size_;
  std::string context_;  // "qemu:dirty-bitmap:NAME", or empty
};

}  // namespace cairn::test
