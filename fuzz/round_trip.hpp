// fuzz/round_trip.hpp — what the XML fuzz targets assert about a document Cairn accepted:
// formatting it yields a document Cairn accepts again, and formatting that is byte-identical
// (format is a fixed point after one parse). A failure prints the first line that differs
// and both texts, then aborts, so libFuzzer records the input as a crash. With
// CAIRN_FUZZ_NO_ROUND_TRIP=1 in the environment the check still runs the reparse and format
// but does not abort, to explore past a known round-trip bug for crashes of other kinds.
// Header-only; used from the fuzz thread only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::fuzz {

inline bool RoundTripChecked() {
  static const bool checked = [] {
    const char* off = std::getenv("CAIRN_FUZZ_NO_ROUND_TRIP");
    return off == nullptr || std::string_view(off) != "1";
  }();
  return checked;
}

[[noreturn]] inline void RoundTripFailed(std::string_view what, std::string_view first,
                                         std::string_view second) {
  std::size_t at = 0;
  while (at < first.size() && at < second.size() && first[at] == second[at]) ++at;
  std::size_t line = 1;
  for (std::size_t i = 0; i < at; ++i) line += first[i] == '\n';
  std::fprintf(stderr,
               "round trip broken: %.*s (first difference on line %zu)\n--- first:\n%.*s\n"
               "--- second:\n%.*s\n",
               static_cast<int>(what.size()), what.data(), line, static_cast<int>(first.size()),
               first.data(), static_cast<int>(second.size()), second.data());
  std::abort();
}

// `reparse(text)` returns Result<Def>; `format(def)` returns std::string.
template <typename Reparse, typename Format>
void CheckFormatIsStable(const std::string& formatted, Reparse reparse, Format format) {
  auto again = reparse(formatted);
  if (!again) {
    if (!RoundTripChecked()) return;
    RoundTripFailed("formatted output is refused: " + again.error().Text(), formatted, "");
  }
  std::string reformatted = format(*again);
  if (reformatted != formatted && RoundTripChecked()) {
    RoundTripFailed("format differs after reparse", formatted, reformatted);
  }
}

}  // namespace cairn::fuzz
