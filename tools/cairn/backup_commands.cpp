// The backup group (backup-begin, backup-dumpxml) and the domain job commands of the domain
// management group (domjobinfo, domjobabort), with virsh 9's options and output. Cairn adds
// `backup-begin --wait`: stay until the job ends, with virsh's progress bar on a terminal.
#include "tools/cairn/backup_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "tools/cairn/command_args.hpp"
#include "tools/cairn/command_table.hpp"
#include "tools/cairn/dump_xml.hpp"
#include "tools/cairn/local_files.hpp"

namespace cairn::cli {
namespace {

// How often `backup-begin --wait` asks how the job is doing.
constexpr std::chrono::milliseconds kWaitPollInterval{100};

std::string_view JobTypeName(JobType type) {
  switch (type) {
    case JobType::kNone:
      return "None";
    case JobType::kBounded:
      return "Bounded";
    case JobType::kUnbounded:
      return "Unbounded";
    case JobType::kCompleted:
      return "Completed";
    case JobType::kFailed:
      return "Failed";
    case JobType::kCancelled:
      return "Cancelled";
  }
  return "unknown";
}

std::string_view JobOperationName(JobOperation op) {
  switch (op) {
    case JobOperation::kUnknown:
      return "Unknown";
    case JobOperation::kStart:
      return "Start";
    case JobOperation::kSave:
      return "Save";
    case JobOperation::kRestore:
      return "Restore";
    case JobOperation::kMigrationIn:
      return "Incoming migration";
    case JobOperation::kMigrationOut:
      return "Outgoing migration";
    case JobOperation::kSnapshot:
      return "Snapshot";
    case JobOperation::kSnapshotRevert:
      return "Snapshot revert";
    case JobOperation::kDump:
      return "Dump";
    case JobOperation::kBackup:
      return "Backup";
  }
  return "unknown";
}

// virsh's "%-.3lf %s" of a byte count in binary units (vshPrettyCapacity).
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

void PrintField(Session& s, std::string_view label, std::string_view value) {
  s.out().Print(fmt::format("{:<17} {:<12}\n", label, value));
}

void PrintJobStats(Session& s, const JobStats& stats) {
  PrintField(s, "Job type:", JobTypeName(stats.type));
  if (stats.type == JobType::kNone) return;
  PrintField(s, "Operation:", JobOperationName(stats.operation));
  s.out().Print(fmt::format("{:<17} {:<12} ms\n", "Time elapsed:", stats.time_elapsed_ms));
  // virsh reads disk_* into the "file" fields of its virDomainJobInfo.
  if (stats.disk_total || stats.disk_processed) {
    s.out().Print(fmt::format("{:<17} {}\n",
                              "File processed:", PrettyBytes(stats.disk_processed.value_or(0))));
    s.out().Print(
        fmt::format("{:<17} {}\n", "File remaining:", PrettyBytes(stats.disk_remaining())));
    s.out().Print(
        fmt::format("{:<17} {}\n", "File total:", PrettyBytes(stats.disk_total.value_or(0))));
  }
  if (stats.disk_temp_used) {
    s.out().Print(fmt::format("{:<17} {}\n",
                              "Temporary disk space use:", PrettyBytes(*stats.disk_temp_used)));
  }
  if (stats.disk_temp_total) {
    s.out().Print(fmt::format("{:<17} {}\n",
                              "Temporary disk space total:", PrettyBytes(*stats.disk_temp_total)));
  }
  if (stats.errmsg) PrintField(s, "Error message:", *stats.errmsg);
}

// virsh's job progress line, redrawn in place on stderr.
void DrawProgress(const JobStats& stats) {
  const std::uint64_t total = stats.disk_total.value_or(0);
  const double percent =
      total == 0 ? 0.0 : 100.0 * static_cast<double>(stats.disk_processed.value_or(0)) / total;
  std::fputs(fmt::format("\rBackup: [{:6.2f} %]", percent).c_str(), stderr);
  std::fflush(stderr);
}

// Polls the job until it is no longer running, then reports how it ended (keeping the
// completed-job statistics for a later `domjobinfo --completed`).
bool WaitForJob(Session& s, const Domain& dom) {
  const bool bar = isatty(STDERR_FILENO) == 1;
  bool drawn = false;
  for (;;) {
    Result<JobStats> now = dom.GetJobStats();
    // The domain stopped under the job ("domain is not running"): the job ended with it.
    if (!now && now.error().code() == ErrorCode::kOperationInvalid) break;
    if (!now) {
      if (drawn) std::fputs("\n", stderr);
      s.SetError(now.error());
      return false;
    }
    if (now->type == JobType::kNone) break;
    if (bar) {
      DrawProgress(*now);
      drawn = true;
    }
    std::this_thread::sleep_for(kWaitPollInterval);
  }
  Result<JobStats> done =
      dom.GetJobStats(JobStatsFlags::kCompleted | JobStatsFlags::kKeepCompleted);
  if (!done) {
    if (drawn) std::fputs("\n", stderr);
    s.SetError(done.error());
    return false;
  }
  if (drawn) {
    if (done->type == JobType::kCompleted) DrawProgress({.disk_total = 1, .disk_processed = 1});
    std::fputs("\n", stderr);
    std::fflush(stderr);
  }
  switch (done->type) {
    case JobType::kCompleted:
      s.out().PrintExtra("Backup completed\n");
      return true;
    case JobType::kCancelled:
      s.out().Error("Backup aborted");
      return false;
    default:
      s.out().Error(fmt::format("Backup failed: {}", done->errmsg.value_or("unknown error")));
      return false;
  }
}

bool RunBackupBegin(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<std::string> backup_file, checkpoint_file;
  if (!StringOption(s, cmd, "backupxml", &backup_file) ||
      !StringOption(s, cmd, "checkpointxml", &checkpoint_file)) {
    return false;
  }
  std::string backup_xml = "<domainbackup/>";
  if (backup_file) {
    Result<std::string> text = ReadLocalFile(*backup_file);
    if (!text) {
      s.SetError(text.error());
      return false;
    }
    backup_xml = std::move(*text);
  }
  std::optional<std::string> checkpoint_xml;
  if (checkpoint_file) {
    Result<std::string> text = ReadLocalFile(*checkpoint_file);
    if (!text) {
      s.SetError(text.error());
      return false;
    }
    checkpoint_xml = std::move(*text);
  }
  BackupBeginFlags flags = BackupBeginFlags::kNone;
  if (cmd.Has("reuse-external")) flags |= BackupBeginFlags::kReuseExternal;
  Status ok = checkpoint_xml ? dom->BackupBegin(backup_xml, *checkpoint_xml, flags)
                             : dom->BackupBegin(backup_xml, {}, flags);
  if (!ok) {
    s.SetError(ok.error());
    return false;
  }
  s.out().Print("Backup started\n");
  if (!cmd.Has("wait")) return true;
  return WaitForJob(s, *dom);
}

bool RunBackupDumpXml(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<std::string> xpath = cmd.Value("xpath");
  if (xpath && xpath->empty()) return false;  // virsh fails here without a word
  Result<std::string> xml = dom->BackupGetXmlDesc();
  if (!xml) {
    s.SetError(xml.error());
    return false;
  }
  return DumpXml(s, *xml, xpath, cmd.Has("wrap"));
}

constexpr OptionDef kBeginOptions[] = {
    DomainOption(),
    {"backupxml", OptionKind::kString, "domain backup XML", false, false, ValueCompletion::kFile},
    {"checkpointxml", OptionKind::kString, "domain checkpoint XML", false, false,
     ValueCompletion::kFile},
    {"reuse-external", OptionKind::kBool, "reuse files provided by caller"},
    {"wait", OptionKind::kBool,
     "wait for the job to end, showing progress on a terminal (a pull backup ends only with "
     "domjobabort)"},
};
constexpr OptionDef kDumpXmlOptions[] = {
    DomainOption(),
    {"xpath", OptionKind::kString, "xpath expression to filter the XML document", true},
    {"wrap", OptionKind::kBool, "wrap xpath results in an common root element"},
};

constexpr CommandDef kCommands[] = {
    {"backup-begin", "Start a disk backup of a live domain",
     "Use XML to start a full or incremental disk backup of a live domain, optionally creating "
     "a checkpoint",
     kBeginOptions, RunBackupBegin},
    {"backup-dumpxml", "Dump XML for an ongoing domain block backup job", "Backup Dump XML",
     kDumpXmlOptions, RunBackupDumpXml},
};

}  // namespace

bool RunDomJobInfo(Session& s, const ParsedCommand& cmd) {
  if (cmd.Has("keep-completed") && !cmd.Has("completed")) {
    s.out().Error("Option --completed is required by option --keep-completed");
    return false;
  }
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  JobStatsFlags flags = JobStatsFlags::kNone;
  if (cmd.Has("completed")) flags |= JobStatsFlags::kCompleted;
  if (cmd.Has("keep-completed")) flags |= JobStatsFlags::kKeepCompleted;
  Result<JobStats> stats = dom->GetJobStats(flags);
  if (!stats) {
    s.SetError(stats.error());
    return false;
  }
  PrintJobStats(s, *stats);
  return true;
}

bool RunDomJobAbort(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  if (Status ok = dom->AbortJob(); !ok) {
    s.SetError(ok.error());
    return false;
  }
  return true;
}

const CommandGroup& BackupGroup() {
  static const CommandGroup kGroup{"Backup", "backup", kCommands};
  return kGroup;
}

}  // namespace cairn::cli
