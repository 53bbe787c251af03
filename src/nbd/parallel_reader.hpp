// nbd/parallel_reader.hpp — many reads in flight on one NBD connection.
//
// A backup is bound by round trips when it reads one block at a time; QEMU's NBD server
// serves requests concurrently, so the reader keeps up to `max_in_flight` reads outstanding
// and hands each completed one to the caller as soon as it lands (completion order, not
// offset order). Memory is bounded by max_in_flight x the largest request.
// Thread rule: Run() on one thread; the callbacks run on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cairn/error.hpp"
#include "nbd/nbd_export.hpp"

namespace cairn::nbd {

struct ReadRequest {
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
};

class ParallelReader {
 public:
  ParallelReader(NbdExport& source, unsigned max_in_flight)
      : source_(source), max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight) {}

  // Reads every request `next` yields (nullopt: no more) and calls `done(offset, data)` for
  // each. Stops issuing at the first error, its own or one `done` returns, waits for what is
  // in flight, and returns that first error.
  Status Run(const std::function<std::optional<ReadRequest>()>& next,
             const std::function<Status(std::uint64_t, std::string&&)>& done);

 private:
  NbdExport& source_;
  unsigned max_in_flight_;
};

}  // namespace cairn::nbd
