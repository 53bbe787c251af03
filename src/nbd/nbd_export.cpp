#include "nbd/nbd_export.hpp"

#include <libnbd.h>

#include <fmt/format.h>

namespace cairn::nbd {

Error LibnbdError(std::string_view what) {
  const char* message = nbd_get_error();
  return Error(ErrorCode::kOperationFailed, ErrorDomain::kNone,
               fmt::format("{}: {}", what, message ? message : "unknown libnbd error"));
}

Result<NbdExport> NbdExport::Connect(std::string_view uri,
                                     const std::vector<std::string>& meta_contexts) {
  const std::string text(uri);
  nbd_handle* h = nbd_create();
  if (!h) return std::unexpected(LibnbdError("cannot create an NBD handle"));
  for (const std::string& context : meta_contexts) {
    if (nbd_add_meta_context(h, context.c_str()) != 0) {
      Error e = LibnbdError(fmt::format("cannot ask '{}' for context '{}'", text, context));
      nbd_close(h);
      return std::unexpected(e);
    }
  }
  if (nbd_connect_uri(h, text.c_str()) != 0) {
    Error e = LibnbdError(fmt::format("cannot connect to NBD export '{}'", text));
    nbd_close(h);
    return std::unexpected(e);
  }
  const std::int64_t size = nbd_get_size(h);
  if (size < 0) {
    Error e = LibnbdError(fmt::format("cannot read the size of NBD export '{}'", text));
    nbd_close(h);
    return std::unexpected(e);
  }
  return NbdExport(h, text, static_cast<std::uint64_t>(size));
}

NbdExport::NbdExport(NbdExport&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      uri_(std::move(other.uri_)),
      size_(other.size_) {}

NbdExport& NbdExport::operator=(NbdExport&& other) noexcept {
  if (this != &other) {
    if (handle_) nbd_close(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    uri_ = std::move(other.uri_);
    size_ = other.size_;
  }
  return *this;
}

NbdExport::~NbdExport() {
  if (handle_) {
    nbd_shutdown(handle_, 0);
    nbd_close(handle_);
  }
}

bool NbdExport::HasContext(std::string_view context) const {
  return nbd_can_meta_context(handle_, std::string(context).c_str()) == 1;
}

bool NbdExport::read_only() const { return nbd_is_read_only(handle_) == 1; }

Result<std::vector<Extent>> NbdExport::BlockStatus(std::string_view context,
                                                   std::uint64_t offset, std::uint64_t length) {
  struct Collect {
    std::string_view context;
    std::vector<Extent> extents;
  } collect{context, {}};
  auto callback = [](void* user_data, const char* name, std::uint64_t start,
                     std::uint32_t* entries, std::size_t count, int*) -> int {
    auto* c = static_cast<Collect*>(user_data);
    if (c->context != name) return 0;
    std::uint64_t at = start;
    for (std::size_t i = 0; i + 1 < count; i += 2) {
      c->extents.push_back(Extent{at, entries[i], entries[i + 1]});
      at += entries[i];
    }
    return 0;
  };
  // The request's length is 32 bits; the server may describe less than asked.
  const std::uint64_t ask = std::min<std::uint64_t>({length, size_ - offset, 0x80000000u});
  if (nbd_block_status(handle_, ask, offset,
                       nbd_extent_callback{.callback = callback, .user_data = &collect,
                                           .free = nullptr},
                       0) != 0) {
    return std::unexpected(LibnbdError(
        fmt::format("cannot read the extents of '{}' in NBD export '{}'", context, uri_)));
  }
  if (collect.extents.empty()) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                fmt::format("NBD export '{}' described no extent of '{}' at offset {}", uri_,
                            context, offset));
  }
  // Clip what runs past the request (a server may round up to its granularity).
  Extent& last = collect.extents.back();
  if (last.offset + last.length > offset + ask) last.length = offset + ask - last.offset;
  return std::move(collect.extents);
}

Status NbdExport::Read(void* buffer, std::size_t length, std::uint64_t offset) {
  if (nbd_pread(handle_, buffer, length, offset, 0) != 0) {
    return std::unexpected(
        LibnbdError(fmt::format("cannot read {} bytes at {} from '{}'", length, offset, uri_)));
  }
  return {};
}

Status NbdExport::Write(const void* buffer, std::size_t length, std::uint64_t offset) {
  if (nbd_pwrite(handle_, buffer, length, offset, 0) != 0) {
    return std::unexpected(
        LibnbdError(fmt::format("cannot write {} bytes at {} to '{}'", length, offset, uri_)));
  }
  return {};
}

Status NbdExport::Flush() {
  if (nbd_flush(handle_, 0) != 0) {
    return std::unexpected(LibnbdError(fmt::format("cannot flush '{}'", uri_)));
  }
  return {};
}

}  // namespace cairn::nbd
