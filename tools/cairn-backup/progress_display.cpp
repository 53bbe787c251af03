// cairn-backup/progress_display.cpp — see progress_display.hpp.
#include "tools/cairn-backup/progress_display.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/cairn-backup/catalogue.hpp"

namespace cairn::backup {
namespace {

constexpr auto kTick = std::chrono::milliseconds(500);
constexpr int kBarWidth = 24;

std::string Duration(double seconds) {
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02}m", s / 3600, s / 60 % 60)
                   : fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

ProgressDisplay::Style ProgressDisplay::StyleFor(bool json) {
  if (json) return Style::kJson;
  return isatty(STDERR_FILENO) ? Style::kTerminal : Style::kNone;
}

ProgressDisplay::ProgressDisplay(std::string operation, Style style)
    : operation_(std::move(operation)), style_(style), started_(std::chrono::steady_clock::now()) {
  if (style_ != Style::kNone) ticker_ = std::thread([this] { Run(); });
}

ProgressDisplay::~ProgressDisplay() {
  if (!ticker_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  ticker_.join();
}

DiskProgress& ProgressDisplay::AddDisk(std::string name) {
  std::lock_guard lock(mutex_);
  return disks_.emplace_back(std::move(name));
}

void ProgressDisplay::Notice(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (style_ == Style::kJson) {
    std::fputs((nlohmann::json({{"notice", line}}).dump() + "\n").c_str(), stderr);
    return;
  }
  if (style_ == Style::kTerminal && lines_drawn_ > 0) {
    std::fputs(fmt::format("\x1b[{}F\x1b[J", lines_drawn_).c_str(), stderr);
    lines_drawn_ = 0;  // redrawn below the notice at the next tick
  }
  std::fputs((line + "\n").c_str(), stderr);
}

void ProgressDisplay::Run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kTick, [this] { return stopping_; })) Print(false);
  Print(true);
}

// Called with mutex_ held.
void ProgressDisplay::Print(bool last) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::string out;
  if (style_ == Style::kTerminal && lines_drawn_ > 0) {
    out += fmt::format("\x1b[{}F", lines_drawn_);  // back to the first line of the last draw
  }
  for (const DiskProgress& d : disks_) {
    const std::uint64_t size = d.size.load();
    const std::uint64_t covered = last ? size : std::min(d.covered.load(), size);
    const std::uint64_t moved = d.moved.load();
    const double rate = elapsed > 0 ? double(moved) / elapsed : 0;
    const double fraction = size ? double(covered) / double(size) : 1.0;
    const double eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    if (style_ == Style::kJson) {
      nlohmann::json line = {{"operation", operation_}, {"disk", d.disk},
                             {"size", size},            {"covered", covered},
                             {"bytes", moved},          {"rate", static_cast<std::uint64_t>(rate)},
                             {"eta_s", last ? 0 : static_cast<std::uint64_t>(eta + 0.5)}, {"done", last}};
      out += nlohmann::json({{"progress", line}}).dump() + "\n";
    } else {
      const int filled = static_cast<int>(fraction * kBarWidth);
      out += fmt::format("\x1b[2K{:<6} [{:=<{}}{: <{}}] {:>5.1f}%  {} {}  {}/s  {}\n", d.disk,
                         "", filled, "", kBarWidth - filled, fraction * 100, HumanBytes(moved),
                         operation_ == "restore" ? "written" : "read", HumanBytes(
                             static_cast<std::uint64_t>(rate)),
                         last ? Duration(elapsed) : "ETA " + Duration(eta));
    }
  }
  lines_drawn_ = disks_.size();
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace cairn::backup
