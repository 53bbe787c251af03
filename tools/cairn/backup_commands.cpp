// The backup group (backup-begin, backup-dumpxml) and the domain job commands of the domain
// management group (domjobinfo, domjobabort), with virsh 9's options and output. Cairn adds
// `backup-begin --wait`: stay until the job ends, with virsh's progress bar on a terminal.
#include "tools/cairn/backup_commands.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "tools/cairn/command_args.hpp"
#include "tools/cairn/command_table.hpp"
#include "tools/cairn/dump_xml.hpp"
#include "tools/cairn/local_files.hpp"
#include "tools/cairn/job_progress.hpp"

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

// The statistics as virsh reads them: typed parameters looked up by key, absent or present.
class JobParams {
 public:
  explicit JobParams(const JobStats& stats) : params_(JobStatsParams(stats)) {}

  template <typename T>
  std::optional<T> Get(std::string_view field) const {
    for (const TypedParam& p : params_) {
      if (p.field != field) continue;
      if (const T* value = std::get_if<T>(&p.value)) return *value;
    }
    return std::nullopt;
  }
  unsigned long long ULLong(std::string_view field) const {
    return Get<unsigned long long>(field).value_or(0);
  }

 private:
  std::vector<TypedParam> params_;
};

// virsh's "%-17s %-12s" line; the value is padded too, so short values end in blanks.
void PrintField(Session& s, std::string_view label, std::string_view value) {
  s.out().Print(fmt::format("{:<17} {:<12}\n", label, value));
}

void PrintBytes(Session& s, std::string_view label, unsigned long long bytes) {
  s.out().Print(fmt::format("{:<17} {}\n", label, PrettyBytes(bytes)));
}

// `domjobinfo --rawstats`: the job type as a number, a blank line, then every typed
// parameter as "field: value" (virTypedParameterToString: a boolean prints as 1 or 0).
void PrintRawJobStats(Session& s, const JobStats& stats) {
  s.out().Print(fmt::format("Job type: {}\n\n", static_cast<int>(stats.type)));
  for (const TypedParam& p : JobStatsParams(stats)) {
    std::string value = std::visit(
        [](const auto& v) -> std::string {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            return v;
          } else if constexpr (std::is_same_v<V, bool>) {
            return v ? "1" : "0";
          } else {
            return fmt::format("{}", v);
          }
        },
        p.value);
    s.out().Print(fmt::format("{}: {}\n", p.field, value));
  }
}

// virsh 9.0's cmdDomjobinfo (tools/virsh-domain.c), line for line, for the keys a backup job
// has; the migration, memory and compression lines need keys Cairn never reports. A failed or
// cancelled job, or a completed one read without --completed, shows only its type and
// operation unless --anystats is given.
void PrintJobStats(Session& s, const JobStats& stats, bool completed, bool any_stats) {
  PrintField(s, "Job type:", JobTypeName(stats.type));
  if (stats.type == JobType::kNone) return;
  const JobParams params(stats);
  const int op = params.Get<int>("operation").value_or(0);
  PrintField(s, "Operation:", JobOperationName(static_cast<JobOperation>(op)));
  const bool running = stats.type == JobType::kBounded || stats.type == JobType::kUnbounded;
  if (!any_stats && !running && !(completed && stats.type == JobType::kCompleted)) return;

  s.out().Print(fmt::format("{:<17} {:<12} ms\n", "Time elapsed:", params.ULLong("time_elapsed")));
  if (stats.type == JobType::kBounded) {
    s.out().Print(
        fmt::format("{:<17} {:<12} ms\n", "Time remaining:", params.ULLong("time_remaining")));
  }
  // virsh reads disk_* into the "file" fields of its virDomainJobInfo and shows them when
  // any is non-zero.
  const unsigned long long total = params.ULLong("disk_total");
  const unsigned long long processed = params.ULLong("disk_processed");
  const unsigned long long remaining = params.ULLong("disk_remaining");
  if (total || processed || remaining) {
    PrintBytes(s, "File processed:", processed);
    PrintBytes(s, "File remaining:", remaining);
    PrintBytes(s, "File total:", total);
  }
  if (auto used = params.Get<unsigned long long>("disk_temp_used")) {
    PrintBytes(s, "Temporary disk space use:", *used);
  }
  if (auto temp_total = params.Get<unsigned long long>("disk_temp_total")) {
    PrintBytes(s, "Temporary disk space total:", *temp_total);
  }
  if (auto errmsg = params.Get<std::string>("errmsg")) {
    s.out().Print(fmt::format("{:<17} {}\n", "Error message:", *errmsg));
  }
}

// SIGINT while `backup-begin --wait` waits: the job is aborted (never left running with
// nobody watching), and the wait goes on until it has ended. The previous disposition comes
// back when the wait ends.
volatile std::sig_atomic_t interrupted = 0;

class InterruptAbortsJob {
 public:
  InterruptAbortsJob() {
    interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = [](int) { interrupted = 1; };
    sa.sa_flags = SA_RESTART;  // the monitor reads of a poll in progress go on
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &previous_);
  }
  ~InterruptAbortsJob() { ::sigaction(SIGINT, &previous_, nullptr); }
  InterruptAbortsJob(const InterruptAbortsJob&) = delete;
  InterruptAbortsJob& operator=(const InterruptAbortsJob&) = delete;

 private:
  struct sigaction previous_ {};
};

// The frame to draw for the job now: the line over all disks and, for a job of several
// disks that the driver describes, a line per disk. `disks` keeps the last description, so
// the final frame can show every disk complete.
std::vector<JobProgress::Row> ProgressRows(const JobStats& stats,
                                           const std::vector<BackupJobDisk>& disks,
                                           bool completed) {
  std::vector<JobProgress::Row> rows{
      {"Backup", completed ? 0 : stats.disk_remaining(), stats.disk_total.value_or(0)}};
  if (disks.size() < 2) return rows;
  for (const BackupJobDisk& d : disks) {
    if (!d.bytes_total || *d.bytes_total == 0) continue;
    const std::uint64_t done = completed ? *d.bytes_total : d.bytes_done.value_or(0);
    rows.push_back({"  " + d.name, *d.bytes_total - std::min(done, *d.bytes_total),
                    *d.bytes_total});
  }
  return rows;
}

// Waits for the job (Domain::WaitForJob), then reports how it ended (keeping the
// completed-job statistics for a later `domjobinfo --completed`).
bool WaitForJob(Session& s, const Domain& dom) {
  const bool bar = isatty(STDERR_FILENO) == 1;
  JobProgress progress;
  InterruptAbortsJob interrupt;
  std::vector<BackupJobDisk> disks;
  bool describable = true;  // until the driver says it cannot describe a job
  bool warned = false;
  JobWaitOptions options;
  options.poll_interval = kWaitPollInterval;
  options.abort_requested = [&] {
    if (!interrupted || warned) return interrupted != 0;
    warned = true;
    progress.Finish();
    s.out().Warning("interrupted: aborting the backup job");
    return true;
  };
  options.on_progress = [&](const JobStats& now) {
    if (!bar || now.disk_total.value_or(0) == 0) return;  // as virsh: nothing before a total
    if (describable) {
      Result<BackupJobInfo> info = dom.GetBackupJobInfo();
      if (info) {
        disks = std::move(info->disks);
      } else if (info.error().code() == ErrorCode::kNoSupport) {
        describable = false;  // a daemon connection: the line over all disks only
      }
    }
    progress.Draw(ProgressRows(now, disks, false));
  };
  Result<JobStats> done = dom.WaitForJob(options);
  if (!done) {
    progress.Finish();
    s.SetError(done.error());
    return false;
  }
  // As virsh's job watchers, a job that completed shows [100 %] on a terminal, however
  // quickly it ended; a pull backup, which has no total to copy, shows no bar at all.
  if (bar && done->type == JobType::kCompleted && done->disk_total.value_or(0) > 0) {
    progress.Draw(ProgressRows(*done, disks, true));
  }
  progress.Finish();
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

// The NBD URI of each export of a running pull backup (nbdcopy, nbdinfo and qemu-img read
// them as they are), from the job's XML: nbd+unix:///EXPORT?socket=PATH or
// nbd://HOST:PORT/EXPORT. Empty for a push backup.
std::vector<std::string> ExportUris(const std::string& backup_xml) {
  std::vector<std::string> uris;
  Result<BackupSpec> spec = BackupSpec::FromXml(backup_xml);
  if (!spec) return uris;
  for (const BackupJobDisk& disk : DescribeBackupJob(std::move(*spec)).disks) {
    if (!disk.nbd_uri.empty()) uris.push_back(disk.nbd_uri);
  }
  return uris;
}

bool RunBackupBegin(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  // As virsh: the backup XML option and its file, then the checkpoint XML option and its file.
  std::optional<std::string> backup_file, checkpoint_file;
  if (!StringOption(s, cmd, "backupxml", &backup_file)) return false;
  std::string backup_xml = "<domainbackup/>";
  if (backup_file) {
    Result<std::string> text = ReadLocalFile(*backup_file);
    if (!text) {
      s.SetError(text.error());
      return false;
    }
    backup_xml = std::move(*text);
  }
  if (!StringOption(s, cmd, "checkpointxml", &checkpoint_file)) return false;
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
  if (cmd.Has("preserve-domain-on-shutdown")) flags |= BackupBeginFlags::kPreserveShutdownDomain;
  Status ok = checkpoint_xml ? dom->BackupBegin(backup_xml, *checkpoint_xml, flags)
                             : dom->BackupBegin(backup_xml, {}, flags);
  if (!ok) {
    s.SetError(ok.error());
    return false;
  }
  s.out().Print("Backup started\n");
  // Cairn's addition: where a pull backup's disks can be read, one line per disk.
  if (Result<std::string> xml = dom->BackupGetXmlDesc(); xml) {
    for (const std::string& uri : ExportUris(*xml)) s.out().Print(uri + "\n");
  }
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
    {"preserve-domain-on-shutdown", OptionKind::kBool,
     "a guest shutdown during the backup pauses the domain until the backup ends"},
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
  const bool raw = cmd.Has("rawstats");
  Result<JobStats> stats = dom->GetJobStats(flags);
  if (!stats) {
    // virsh falls back to virDomainGetJobInfo when a driver lacks virDomainGetJobStats, but
    // not with flags or --rawstats (then it prints its own error, and libvirt's after it).
    // Cairn has no virDomainGetJobInfo (no driver of Cairn's would offer it without
    // virDomainGetJobStats), so the fallback fails as libvirt's does on such a driver.
    if (stats.error().code() == ErrorCode::kNoSupport) {
      if (flags != JobStatsFlags::kNone || raw) {
        s.out().Error("Optional flags or --rawstats are not supported by the daemon");
        s.SetError(stats.error());
        return false;
      }
      s.SetError(Error(ErrorCode::kNoSupport, stats.error().domain(), "virDomainGetJobInfo"));
      return false;
    }
    s.SetError(stats.error());
    return false;
  }
  if (raw) {
    PrintRawJobStats(s, *stats);
  } else {
    PrintJobStats(s, *stats, cmd.Has("completed"), cmd.Has("anystats"));
  }
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
