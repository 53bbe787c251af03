// Times Cairn's extent query of a whole NBD export: nbd::ExtentCursor walking
// base:allocation from offset 0 to the end, as a backup plans its reads (bench/repository.sh
// runs it beside `nbdinfo --map` on the same export).
//
//   extent_map NBD_URI      prints: extents N data_bytes B ms T
// N counts runs of equal flags (as nbdinfo --map lists them), whatever the windows cut.
#include <chrono>
#include <cstdio>

#include "must.hpp"
#include "nbd/extent_cursor.hpp"
#include "nbd/nbd_export.hpp"

int main(int argc, char** argv) {
  using cairn::bench::Must;
  if (argc != 2) {
    std::fprintf(stderr, "usage: extent_map NBD_URI\n");
    return 2;
  }
  const std::string context(cairn::nbd::kBaseAllocation);
  const auto start = std::chrono::steady_clock::now();
  cairn::nbd::NbdExport source = Must(cairn::nbd::NbdExport::Connect(argv[1], {context}), "connect");
  if (!source.HasContext(context)) {
    std::fprintf(stderr, "extent_map: %s offers no %s\n", argv[1], context.c_str());
    return 1;
  }
  cairn::nbd::ExtentCursor cursor(source, context);
  std::uint64_t extents = 0, data = 0;
  std::optional<std::uint32_t> last_flags;
  while (true) {
    std::optional<cairn::nbd::Extent> e = Must(cursor.Next(), "next extent");
    if (!e) break;
    if (e->flags != last_flags) ++extents;
    last_flags = e->flags;
    if ((e->flags & cairn::nbd::kStateHole) == 0) data += e->length;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("extents %llu data_bytes %llu ms %.1f\n", static_cast<unsigned long long>(extents),
              static_cast<unsigned long long>(data), ms);
  return 0;
}
