#include "nbd_export.hpp"

#include <fmt/format.h>
#include <libnbd.h>

#include <algorithm>

namespace cairn::test {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;

std::unexpected<Error> NbdFailure(const std::string& what) {
  const char* why = nbd_get_error();
  return Fail(ErrorCode::kOperationFailed, kErr,
              fmt::format("libnbd: {}: {}", what, why != nullptr ? why : "unknown error"));
}

// What one NBD_CMD_BLOCK_STATUS reply adds to the dirty list.
struct DirtyCollector {
  const std::string* context;
  std::vector<NbdExport::Extent>* dirty;
  std::uint64_t end = 0;  // where the reply's extents stop
};

int CollectDirty(void* user_data, const char* metacontext, std::uint64_t offset,
                 std::uint32_t* entries, std::size_t nr_entries, int* /*error*/) {
  auto* c = static_cast<DirtyCollector*>(user_data);
  if (*c->context != metacontext) return 0;
  // entries are (length, flags) pairs; flag bit 0 of a dirty-bitmap context means dirty.
  for (std::size_t i = 0; i + 1 < nr_entries; i += 2) {
    const std::uint64_t length = entries[i];
    if ((entries[i + 1] & 1u) != 0) {
      auto& d = *c->dirty;
      if (!d.empty() && d.back().offset + d.back().length == offset) {
        d.back().length += length;
      } else {
        d.push_back({offset, length});
      }
    }
    offset += length;
  }
  c->end = offset;
  return 0;
}

}  // namespace

void NbdExport::Close::operator()(nbd_handle* h) const {
  (void)nbd_shutdown(h, 0);
  nbd_close(h);
}

Result<NbdExport> NbdExport::Connect(const std::string& socket, const std::string& name,
                                     const std::string& bitmap) {
  std::unique_ptr<nbd_handle, Close> h(nbd_create());
  if (!h) return NbdFailure("nbd_create");
  if (nbd_set_export_name(h.get(), name.c_str()) == -1) return NbdFailure("set export name");
  std::string context;
  if (!bitmap.empty()) {
    context = "qemu:dirty-bitmap:" + bitmap;
    if (nbd_add_meta_context(h.get(), context.c_str()) == -1) {
      return NbdFailure("add meta context");
    }
  }
  if (nbd_connect_unix(h.get(), socket.c_str()) == -1) {
    return NbdFailure(fmt::format("connect to export '{}' at {}", name, socket));
  }
  if (!context.empty() && nbd_can_meta_context(h.get(), context.c_str()) != 1) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("export '{}' does not offer context {}", name, context));
  }
  const std::int64_t size = nbd_get_size(h.get());
  if (size < 0) return NbdFailure("get size");
  return NbdExport(std::move(h), static_cast<std::uint64_t>(size), std::move(context));
}

Result<std::string> NbdExport::Read(std::uint64_t offset, std::uint64_t length) {
  std::string out(length, '\0');
  // NBD servers cap one request (QEMU: 32 MiB); read in pieces well below that.
  constexpr std::uint64_t kChunk = 4u << 20;
  for (std::uint64_t done = 0; done < length;) {
    const std::uint64_t n = std::min(kChunk, length - done);
    if (nbd_pread(h_.get(), out.data() + done, n, offset + done, 0) == -1) {
      return NbdFailure(fmt::format("read {} bytes at {}", n, offset + done));
    }
    done += n;
  }
  return out;
}

Result<std::vector<NbdExport::Extent>> NbdExport::Dirty() {
  if (context_.empty()) {
    return Fail(ErrorCode::kInvalidArg, kErr, "no dirty-bitmap context was negotiated");
  }
  std::vector<Extent> dirty;
  for (std::uint64_t offset = 0; offset < size_;) {
    DirtyCollector collector{&context_, &dirty};
    const std::uint64_t count = std::min<std::uint64_t>(size_ - offset, 1u << 30);
    if (nbd_block_status(
            h_.get(), count, offset,
            nbd_extent_callback{.callback = CollectDirty, .user_data = &collector, .free = nullptr},
            0) == -1) {
      return NbdFailure(fmt::format("block status at {}", offset));
    }
    if (collector.end <= offset) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("block status at {} described nothing", offset));
    }
    offset = collector.end;
  }
  return dirty;
}

}  // namespace cairn::test
