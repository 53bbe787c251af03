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
#include "tools/cairn/xml_document.hpp"

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

// vshPrettyCapacity: a byte count in binary units, printed by virsh as "%-.3lf %s".
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

// virsh's job progress line (virshPrintJobProgress), redrawn in place on stderr: whole
// percents, never 100 before nothing remains. Cairn adds the bytes copied of the total, the
// average rate since the copy began and, while some remain, the time left at that rate.
class ProgressLine {
 public:
  void Draw(std::uint64_t remaining, std::uint64_t total) {
    int percent = 100;
    if (remaining != 0) {
      percent = std::min(99, static_cast<int>(100.0 - static_cast<double>(remaining) * 100.0 /
                                                          static_cast<double>(total)));
    }
    const auto now = std::chrono::steady_clock::now();
    if (!first_) first_ = now;
    const double seconds = std::chrono::duration<double>(now - *first_).count();
    const std::uint64_t done = total - std::min(remaining, total);
    std::string line =
        fmt::format("\rBackup: [{:3} %] {} of {}", percent, PrettyBytes(done), PrettyBytes(total));
    if (seconds > 0.0 && done > 0) {
      const double rate = static_cast<double>(done) / seconds;
      line += fmt::format(", {}/s", PrettyBytes(static_cast<std::uint64_t>(rate)));
      if (remaining != 0) {
        line += fmt::format(
            ", ETA {} s", static_cast<std::uint64_t>(static_cast<double>(remaining) / rate + 0.5));
      }
    }
    // Blanks over whatever a longer previous line left.
    const std::size_t width = line.size();
    if (width < last_width_) line += std::string(last_width_ - width, ' ');
    last_width_ = width;
    std::fflush(stdout);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }

 private:
  std::optional<std::chrono::steady_clock::time_point> first_;
  std::size_t last_width_ = 0;
};

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

// Polls the job until it is no longer running, then reports how it ended (keeping the
// completed-job statistics for a later `domjobinfo --completed`).
bool WaitForJob(Session& s, const Domain& dom) {
  const bool bar = isatty(STDERR_FILENO) == 1;
  bool drawn = false;
  ProgressLine progress;
  InterruptAbortsJob interrupt;
  bool abort_sent = false;
  for (;;) {
    if (interrupted && !abort_sent) {
      abort_sent = true;
      if (drawn) std::fputs("\n", stderr);
      drawn = false;
      s.out().Warning("interrupted: aborting the backup job");
      // A job that ended meanwhile leaves nothing to abort; the loop then reports its end.
      (void)dom.AbortJob();
    }
    Result<JobStats> now = dom.GetJobStats();
    // The domain stopped under the job ("domain is not running"): the job ended with it.
    if (!now && now.error().code() == ErrorCode::kOperationInvalid) break;
    if (!now) {
      if (drawn) std::fputs("\n", stderr);
      s.SetError(now.error());
      return false;
    }
    if (now->type == JobType::kNone) break;
    if (bar && now->disk_total.value_or(0) > 0) {  // as virsh: nothing until a total is known
      progress.Draw(now->disk_remaining(), *now->disk_total);
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
  // As virsh's job watchers, a job that completed shows [100 %] on a terminal, however
  // quickly it ended; a pull backup, which has no total to copy, shows no bar at all.
  if (bar && done->type == JobType::kCompleted && done->disk_total.value_or(0) > 0) {
    progress.Draw(0, *done->disk_total);
    drawn = true;
  }
  if (drawn) {
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

// The NBD URI of each export of a running pull backup (nbdcopy, nbdinfo and qemu-img read
// them as they are), from the job's XML: nbd+unix:///EXPORT?socket=PATH or
// nbd://HOST:PORT/EXPORT. Empty for a push backup.
std::vector<std::string> ExportUris(const std::string& backup_xml) {
  std::vector<std::string> uris;
  std::optional<XmlDocument> doc = XmlDocument::Parse(backup_xml);
  if (!doc || doc->String("/domainbackup/@mode") != "pull") return uris;
  const std::string transport = doc->String("/domainbackup/server/@transport").value_or("tcp");
  std::string prefix, suffix;
  if (transport == "unix") {
    prefix = "nbd+unix:///";
    suffix = "?socket=" + doc->String("/domainbackup/server/@socket").value_or("");
  } else if (transport == "tcp") {
    std::string host = doc->String("/domainbackup/server/@name").value_or("localhost");
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    prefix = fmt::format("nbd://{}:{}/", host,
                         doc->String("/domainbackup/server/@port").value_or("10809"));
  } else {
    return uris;
  }
  std::optional<std::vector<_xmlNode*>> disks =
      doc->Nodes("/domainbackup/disks/disk[not(@backup='no')]");
  if (!disks) return uris;
  for (_xmlNode* disk : *disks) {
    std::optional<std::string> name = doc->String("@exportname", disk);
    if (!name) name = doc->String("@name", disk);
    if (name) uris.push_back(prefix + *name + suffix);
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
