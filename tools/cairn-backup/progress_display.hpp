// cairn-backup/progress_display.hpp — what a long backup or restore is doing, per disk, while
// it runs: a bar with bytes, rate and ETA redrawn on a terminal, or one JSON line per disk
// per tick for a scheduler (`--json`), or nothing.
//
// A disk's worker owns one DiskProgress and only stores into its counters; a ticker thread
// owned by the display reads them twice a second and prints to stderr, so stdout stays the
// command's result; notices go through it so they never land inside a bar. The display ends (a last line per disk, the terminal's line ended) when
// destroyed.
// Thread rule: AddDisk from the thread that owns the display, before the disk's worker
// starts; counters from that disk's worker (any one thread at a time).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace cairn::backup {

struct DiskProgress {
  explicit DiskProgress(std::string disk_name) : disk(std::move(disk_name)) {}
  const std::string disk;
  std::atomic<std::uint64_t> size{0};     // bytes of the disk
  // Bytes of the disk settled from offset 0 onwards (a restore: qemu-img's share done, of
  // the disk).
  std::atomic<std::uint64_t> covered{0};
  std::atomic<std::uint64_t> moved{0};    // bytes read from the disk (backup) or written (restore)
};

class ProgressDisplay {
 public:
  enum class Style { kNone, kTerminal, kJson };

  // kJson if `json`, else kTerminal when stderr is a terminal, else kNone.
  static Style StyleFor(bool json);

  // `operation` names the work in JSON lines ("backup", "restore").
  ProgressDisplay(std::string operation, Style style);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // A new disk to show; the reference stays valid for the display's life.
  DiskProgress& AddDisk(std::string name);

  // One line of news printed above the bars (a JSON {"notice": ...} line with kJson; plain on
  // stderr with kNone). Any thread.
  void Notice(const std::string& line);

 private:
  void Run();
  void Print(bool last);

  const std::string operation_;
  const Style style_;
  const std::chrono::steady_clock::time_point started_;
  std::list<DiskProgress> disks_;  // a list: AddDisk never moves the ones handed out
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::size_t lines_drawn_ = 0;
  std::thread ticker_;
};

}  // namespace cairn::backup
