// tools/cairn/job_progress.hpp — what `backup-begin --wait` shows on a terminal while it
// waits: virsh's job progress line (virshPrintJobProgress) over all disks, which Cairn
// extends with the bytes copied of the total, the rate and the time left, and, for a job
// of several disks whose driver describes it (Domain::GetBackupJobInfo), one such line per
// disk under it. Redrawn in place on stderr. Not thread-safe; one per wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cairn::cli {

// vshPrettyCapacity: a byte count in binary units, printed by virsh as "%-.3lf %s".
std::string PrettyBytes(std::uint64_t bytes);

class JobProgress {
 public:
  // One line: "LABEL: [ 45 %] 7.200 MiB of 16.000 MiB, 3.100 MiB/s, ETA 3 s".
  struct Row {
    std::string label;  // "Backup" for the whole job, "  vda" for a disk
    std::uint64_t remaining = 0;
    std::uint64_t total = 0;
  };

  // Draws `rows` over the previous frame (the cursor moves up over its extra lines).
  void Draw(const std::vector<Row>& rows);
  // Ends the display: the cursor goes below the last frame. No-op if nothing was drawn.
  void Finish();
  bool drawn() const { return lines_ > 0; }

  // One row's text: whole percents, never 100 before nothing remains; the average rate
  // since `first_seen` and, while some remain, the time left at that rate.
  static std::string FormatRow(const Row& row, std::chrono::duration<double> since_first);

 private:
  std::map<std::string, std::chrono::steady_clock::time_point> first_seen_;
  std::vector<std::size_t> widths_;  // of each line of the previous frame
  std::size_t lines_ = 0;
};

}  // namespace cairn::cli
