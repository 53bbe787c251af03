// JobProgress: the progress frame of `backup-begin --wait`.
#include "tools/cairn/job_progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string_view>

namespace cairn::cli {

std::string PrettyBytes(std::uint64_t bytes) {
  static constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  long double value = static_cast<long double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0L && unit + 1 < std::size(kUnits)) {
    value /= 1024.0L;
    ++unit;
  }
  return fmt::format("{:.3f} {}", static_cast<double>(value), kUnits[unit]);
}

std::string JobProgress::FormatRow(const Row& row, std::chrono::duration<double> since_first) {
  int percent = 100;
  if (row.remaining != 0) {
    percent = std::min(99, static_cast<int>(100.0 - static_cast<double>(row.remaining) * 100.0 /
                                                        static_cast<double>(row.total)));
  }
  const double seconds = since_first.count();
  const std::uint64_t done = row.total - std::min(row.remaining, row.total);
  std::string line = fmt::format("{}: [{:3} %] {} of {}", row.label, percent, PrettyBytes(done),
                                 PrettyBytes(row.total));
  if (seconds > 0.0 && done > 0) {
    const double rate = static_cast<double>(done) / seconds;
    line += fmt::format(", {}/s", PrettyBytes(static_cast<std::uint64_t>(rate)));
    if (row.remaining != 0) {
      line += fmt::format(", ETA {} s",
                          static_cast<std::uint64_t>(static_cast<double>(row.remaining) / rate + 0.5));
    }
  }
  return line;
}

void JobProgress::Draw(const std::vector<Row>& rows) {
  if (rows.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  // Back to the start of the previous frame's first line.
  std::string frame = "\r";
  if (lines_ > 1) frame += fmt::format("\x1b[{}A", lines_ - 1);
  std::vector<std::size_t> widths;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto first = first_seen_.try_emplace(rows[i].label, now).first->second;
    std::string line = FormatRow(rows[i], now - first);
    // Blanks over whatever a longer previous line left.
    widths.push_back(line.size());
    if (i < widths_.size() && line.size() < widths_[i]) {
      line += std::string(widths_[i] - line.size(), ' ');
    }
    if (i > 0) frame += "\n";
    frame += line;
  }
  // A frame with fewer lines than the previous one leaves the cursor on its own last line;
  // the lines below keep their text (a frame only grows in practice: disks join, none leave).
  if (rows.size() < lines_) {
    widths.resize(lines_, 0);
    frame += fmt::format("\x1b[{}B", lines_ - rows.size());
    for (std::size_t i = rows.size(); i < lines_; ++i) widths[i] = widths_[i];
  }
  lines_ = std::max(lines_, rows.size());
  widths_ = std::move(widths);
  std::fflush(stdout);
  std::fputs(frame.c_str(), stderr);
  std::fflush(stderr);
}

void JobProgress::Finish() {
  if (lines_ == 0) return;
  std::fputs("\n", stderr);
  std::fflush(stderr);
  lines_ = 0;
  widths_.clear();
}

}  // namespace cairn::cli
