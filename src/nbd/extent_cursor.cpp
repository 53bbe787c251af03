#include "nbd/extent_cursor.hpp"

#include <fmt/format.h>

namespace cairn::nbd {

Status ExtentCursor::Fetch() {
  Result<std::vector<Extent>> more = source_.BlockStatus(context_, fetched_to_, window_);
  if (!more) return std::unexpected(more.error());
  const std::uint64_t before = fetched_to_;
  for (const Extent& e : *more) {
    if (e.length == 0) continue;
    buffered_.push_back(e);
    fetched_to_ = e.offset + e.length;
  }
  if (fetched_to_ == before) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                fmt::format("NBD export '{}' made no progress describing '{}' at {}",
                            source_.uri(), context_, fetched_to_));
  }
  return {};
}

Result<std::optional<Extent>> ExtentCursor::Next() {
  if (buffered_.empty()) {
    if (fetched_to_ >= source_.size()) return std::optional<Extent>();
    if (Status ok = Fetch(); !ok) return std::unexpected(ok.error());
  }
  Extent e = buffered_.front();
  buffered_.pop_front();
  return std::optional<Extent>(e);
}

Result<Extent> ExtentCursor::At(std::uint64_t offset) {
  while (true) {
    while (!buffered_.empty() && buffered_.front().offset + buffered_.front().length <= offset) {
      buffered_.pop_front();
    }
    if (!buffered_.empty()) break;
    if (fetched_to_ >= source_.size()) {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                  fmt::format("offset {} is past the end of NBD export '{}'", offset,
                              source_.uri()));
    }
    if (Status ok = Fetch(); !ok) return std::unexpected(ok.error());
  }
  const Extent& e = buffered_.front();
  return Extent{offset, e.offset + e.length - offset, e.flags};
}

}  // namespace cairn::nbd
