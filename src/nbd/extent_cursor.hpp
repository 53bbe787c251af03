// nbd/extent_cursor.hpp — the extents of one metadata context, walked in order, fetched a
// window at a time, so work on the first extents starts before the map of a large disk is
// known (a published case spent 18 minutes mapping 800 GiB before copying a byte).
// Thread rule: one thread; it issues requests on its own NbdExport.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "nbd/nbd_export.hpp"

namespace cairn::nbd {

class ExtentCursor {
 public:
  // REQUIRES: `source` outlives the cursor and agreed to `context`.
  ExtentCursor(NbdExport& source, std::string context,
               std::uint64_t window = std::uint64_t{1} << 30)
      : source_(source), context_(std::move(context)), window_(window) {}

  // The next extent, contiguous with the previous one; nullopt past the export's end.
  Result<std::optional<Extent>> Next();

  // The flags at `offset` and how far they hold (the extent containing it, clipped to start
  // at `offset`). REQUIRES: offsets asked in non-decreasing order.
  Result<Extent> At(std::uint64_t offset);

 private:
  Status Fetch();  // the next window into buffered_

  NbdExport& source_;
  std::string context_;
  std::uint64_t window_;
  std::uint64_t fetched_to_ = 0;
  std::deque<Extent> buffered_;
};

}  // namespace cairn::nbd
