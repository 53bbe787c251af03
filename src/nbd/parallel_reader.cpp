#include "nbd/parallel_reader.hpp"

#include <libnbd.h>

#include <cstring>
#include <deque>
#include <list>

#include <fmt/format.h>

namespace cairn::nbd {
namespace {

struct PendingRead {
  ReadRequest request;
  std::string data;
  bool finished = false;
  int error = 0;
};

}  // namespace

Status ParallelReader::Run(const std::function<std::optional<ReadRequest>()>& next,
                           const std::function<Status(std::uint64_t, std::string&&)>& done) {
  nbd_handle* h = source_.handle();
  std::list<PendingRead> pending;  // stable addresses for libnbd's user_data
  Status first_error;
  bool exhausted = false;
  auto completed = [](void* user_data, int* error) -> int {
    auto* read = static_cast<PendingRead*>(user_data);
    read->finished = true;
    read->error = *error;
    return 1;  // retire the command: we keep no cookie
  };
  while (true) {
    while (first_error && !exhausted && pending.size() < max_in_flight_) {
      std::optional<ReadRequest> request = next();
      if (!request) {
        exhausted = true;
        break;
      }
      PendingRead& read = pending.emplace_back();
      read.request = *request;
      read.data.resize(request->length);
      if (nbd_aio_pread(h, read.data.data(), request->length, request->offset,
                        nbd_completion_callback{.callback = completed, .user_data = &read,
                                                .free = nullptr},
                        0) < 0) {
        first_error = std::unexpected(LibnbdError(fmt::format(
            "cannot read {} bytes at {} from '{}'", request->length, request->offset,
            source_.uri())));
        pending.pop_back();
      }
    }
    for (auto it = pending.begin(); it != pending.end();) {
      if (!it->finished) {
        ++it;
        continue;
      }
      if (it->error != 0 && first_error) {
        first_error = Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                           fmt::format("cannot read {} bytes at {} from '{}': {}",
                                       it->request.length, it->request.offset, source_.uri(),
                                       std::strerror(it->error)));
      } else if (first_error) {
        first_error = done(it->request.offset, std::move(it->data));
      }
      it = pending.erase(it);
    }
    if (pending.empty() && (exhausted || !first_error)) break;
    if (!pending.empty() && nbd_poll(h, -1) < 0) {
      // The connection is gone: nothing in flight will complete.
      if (first_error) first_error = std::unexpected(LibnbdError(fmt::format(
          "lost NBD export '{}'", source_.uri())));
      break;
    }
  }
  return first_error;
}

}  // namespace cairn::nbd
