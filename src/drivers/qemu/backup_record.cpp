// Backup job records: libvirt's internal <domainbackup> plus <privateData> bookkeeping, and
// the completed-job statistics.
#include "drivers/qemu/backup_record.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "conf/xml_element.hpp"
#include "util/atomic_file.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;

std::string YesNo(bool b) { return b ? "yes" : "no"; }

template <typename T>
T Number(const conf::XmlElement& e, std::string_view attr, T fallback = 0) {
  const std::string* s = e.Attribute(attr);
  if (s == nullptr) return fallback;
  T v{};
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  return ec == std::errc() && end == s->data() + s->size() ? v : fallback;
}

std::string Text(const conf::XmlElement& e, std::string_view attr) {
  const std::string* s = e.Attribute(attr);
  return s ? *s : std::string();
}

bool Yes(const conf::XmlElement& e, std::string_view attr) { return Text(e, attr) == "yes"; }

conf::XmlElement Bookkeeping(const BackupRecord& r) {
  conf::XmlElement priv("privateData");
  conf::XmlElement job("job");
  job.SetAttribute("phase", r.phase == BackupPhase::kRunning ? "running" : "starting");
  job.SetAttribute("started", std::to_string(r.started_ms));
  job.SetAttribute("sequence", std::to_string(r.sequence));
  if (r.copy_started_ms != 0) job.SetAttribute("copyStarted", std::to_string(r.copy_started_ms));
  job.SetAttribute("qemuPid", std::to_string(r.qemu_pid));
  if (r.storage_daemon) job.SetAttribute("storageDaemon", "yes");
  job.SetAttribute("flags", std::to_string(r.flags));
  if (!r.checkpoint.empty()) job.SetAttribute("checkpoint", r.checkpoint);
  if (!r.checkpoint_parent.empty()) job.SetAttribute("checkpointParent", r.checkpoint_parent);
  job.SetAttribute("nbdServer", YesNo(r.nbd_server));
  if (!r.nbd_socket_id.empty()) job.SetAttribute("nbdSocket", r.nbd_socket_id);
  priv.AddChild(std::move(job));
  for (const BackupDiskJob& d : r.disks) {
    conf::XmlElement e("disk");
    e.SetAttribute("name", d.target);
    e.SetAttribute("node", d.node);
    e.SetAttribute("job", d.job_id);
    if (!d.temp_bitmap.empty()) {
      e.SetAttribute("tempBitmap", d.temp_bitmap);
      e.SetAttribute("tempBitmapNode", d.temp_bitmap_node);
    }
    if (!d.export_id.empty()) e.SetAttribute("export", d.export_id);
    e.SetAttribute("created", YesNo(d.created));
    e.SetAttribute("processed", std::to_string(d.processed));
    e.SetAttribute("total", std::to_string(d.total));
    if (d.ended_ms != 0) e.SetAttribute("ended", std::to_string(d.ended_ms));
    if (!d.error.empty()) {
      conf::XmlElement err("error");
      err.set_text(d.error);
      e.AddChild(std::move(err));
    }
    priv.AddChild(std::move(e));
  }
  return priv;
}

void ReadBookkeeping(const conf::XmlElement& priv, BackupRecord& r) {
  if (const conf::XmlElement* job = priv.Child("job")) {
    r.phase = Text(*job, "phase") == "running" ? BackupPhase::kRunning : BackupPhase::kStarting;
    r.started_ms = Number<std::int64_t>(*job, "started");
    r.sequence = Number<std::uint64_t>(*job, "sequence");
    r.copy_started_ms = Number<std::int64_t>(*job, "copyStarted");
    r.qemu_pid = Number<pid_t>(*job, "qemuPid", -1);
    r.storage_daemon = Yes(*job, "storageDaemon");
    r.flags = Number<unsigned>(*job, "flags");
    r.checkpoint = Text(*job, "checkpoint");
    r.checkpoint_parent = Text(*job, "checkpointParent");
    r.nbd_server = Yes(*job, "nbdServer");
    r.nbd_socket_id = Text(*job, "nbdSocket");
  }
  for (const conf::XmlElement& e : priv.children()) {
    if (e.name() != "disk") continue;
    BackupDiskJob d;
    d.target = Text(e, "name");
    d.node = Text(e, "node");
    d.job_id = Text(e, "job");
    d.temp_bitmap = Text(e, "tempBitmap");
    d.temp_bitmap_node = Text(e, "tempBitmapNode");
    d.export_id = Text(e, "export");
    d.created = Yes(e, "created");
    d.processed = Number<std::uint64_t>(e, "processed");
    d.total = Number<std::uint64_t>(e, "total");
    d.ended_ms = Number<std::int64_t>(e, "ended");
    d.error = e.ChildText("error").value_or("");
    r.disks.push_back(std::move(d));
  }
}

Result<std::optional<std::string>> ReadIfPresent(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
  Result<std::string> text = util::ReadFile(path);
  if (!text) return std::unexpected(text.error());
  return std::optional<std::string>(std::move(*text));
}

std::unexpected<Error> Unreadable(const std::filesystem::path& path, const Error& why) {
  return Fail(ErrorCode::kInternalError, kErr,
              fmt::format("cannot read backup record '{}': {}", path.string(), why.detail()));
}

void SetOptional(conf::XmlElement& e, std::string_view attr,
                 const std::optional<std::uint64_t>& v) {
  if (v) e.SetAttribute(attr, std::to_string(*v));
}

std::optional<std::uint64_t> GetOptional(const conf::XmlElement& e, std::string_view attr) {
  if (e.Attribute(attr) == nullptr) return std::nullopt;
  return Number<std::uint64_t>(e, attr);
}

// One completed job in backup-completed.xml.
constexpr std::string_view kCompletedJob = "completedBackup";

conf::XmlElement CompletedJob(const JobStats& s) {
  conf::XmlElement e{std::string(kCompletedJob)};
  e.SetAttribute("type", std::to_string(static_cast<int>(s.type)));
  e.SetAttribute("started", std::to_string(s.started_ms));
  e.SetAttribute("sequence", std::to_string(s.sequence));
  e.SetAttribute("elapsed", std::to_string(s.time_elapsed_ms));
  SetOptional(e, "diskTotal", s.disk_total);
  SetOptional(e, "diskProcessed", s.disk_processed);
  SetOptional(e, "tempUsed", s.disk_temp_used);
  SetOptional(e, "tempTotal", s.disk_temp_total);
  e.SetAttribute("success", YesNo(s.success.value_or(false)));
  if (s.errmsg) {
    conf::XmlElement msg("errmsg");
    msg.set_text(*s.errmsg);
    e.AddChild(std::move(msg));
  }
  return e;
}

JobStats ReadCompletedJob(const conf::XmlElement& e) {
  JobStats s;
  s.type = static_cast<JobType>(Number<int>(e, "type"));
  s.operation = JobOperation::kBackup;
  s.started_ms = Number<std::int64_t>(e, "started");
  s.sequence = Number<std::uint64_t>(e, "sequence");
  s.time_elapsed_ms = Number<std::uint64_t>(e, "elapsed");
  s.disk_total = GetOptional(e, "diskTotal");
  s.disk_processed = GetOptional(e, "diskProcessed");
  s.disk_temp_used = GetOptional(e, "tempUsed");
  s.disk_temp_total = GetOptional(e, "tempTotal");
  s.success = Yes(e, "success");
  if (std::optional<std::string> msg = e.ChildText("errmsg")) s.errmsg = *msg;
  return s;
}

}  // namespace

BackupDiskJob* BackupRecord::FindJob(std::string_view target) {
  for (BackupDiskJob& d : disks) {
    if (d.target == target) return &d;
  }
  return nullptr;
}

conf::BackupDiskDef* BackupRecord::FindDisk(std::string_view target) {
  for (conf::BackupDiskDef& d : def.disks) {
    if (d.name == target) return &d;
  }
  return nullptr;
}

std::filesystem::path BackupRecordPath(const StateLayout& layout, std::string_view domain) {
  return layout.RunDir(domain) / "backup.xml";
}

std::filesystem::path CompletedBackupPath(const StateLayout& layout, std::string_view domain) {
  return layout.RunDir(domain) / "backup-completed.xml";
}

Result<std::optional<BackupRecord>> LoadBackupRecord(const StateLayout& layout,
                                                     std::string_view domain) {
  const std::filesystem::path path = BackupRecordPath(layout, domain);
  Result<std::optional<std::string>> text = ReadIfPresent(path);
  if (!text) return Unreadable(path, text.error());
  if (!*text) return std::optional<BackupRecord>();
  Result<conf::BackupDef> def = conf::ParseBackupXml(**text, conf::kBackupParseInternal);
  if (!def) return Unreadable(path, def.error());
  BackupRecord r;
  r.def = std::move(*def);
  if (r.def.private_data) ReadBookkeeping(*r.def.private_data, r);
  r.def.private_data.reset();
  return std::optional<BackupRecord>(std::move(r));
}

Status SaveBackupRecord(const StateLayout& layout, std::string_view domain,
                        const BackupRecord& record) {
  conf::BackupDef def = record.def;
  def.private_data = Bookkeeping(record);
  return util::WriteFileAtomically(BackupRecordPath(layout, domain),
                                   conf::FormatBackupXml(def, conf::kBackupParseInternal),
                                   {.mode = 0600});
}

Status RemoveBackupRecord(const StateLayout& layout, std::string_view domain) {
  std::error_code ec;
  if (!std::filesystem::exists(BackupRecordPath(layout, domain), ec)) return {};
  return util::RemoveFile(BackupRecordPath(layout, domain));
}

Result<CompletedBackups> LoadCompletedBackups(const StateLayout& layout, std::string_view domain) {
  const std::filesystem::path path = CompletedBackupPath(layout, domain);
  Result<std::optional<std::string>> text = ReadIfPresent(path);
  if (!text) return Unreadable(path, text.error());
  CompletedBackups completed;
  if (!*text) return completed;
  Result<conf::XmlElement> root = conf::ParseXml(**text, "completed backup jobs");
  if (!root) return Unreadable(path, root.error());
  if (root->name() == kCompletedJob) {
    completed.jobs.push_back(
        ReadCompletedJob(*root));  // from before the history: the last job alone
  } else {
    for (const conf::XmlElement& e : root->children()) {
      if (e.name() == kCompletedJob) completed.jobs.push_back(ReadCompletedJob(e));
    }
  }
  completed.last_consumed = Yes(*root, "consumed");
  // A history written before jobs were numbered: number it in order, ending at its length.
  for (std::size_t i = 0; i < completed.jobs.size(); ++i) {
    if (completed.jobs[i].sequence == 0) completed.jobs[i].sequence = i + 1;
  }
  return completed;
}

std::uint64_t NextJobSequence(const StateLayout& layout, std::string_view domain) {
  Result<CompletedBackups> completed = LoadCompletedBackups(layout, domain);
  // An unreadable history is replaced when the job ends; numbering restarts with it.
  if (!completed || completed->jobs.empty()) return 1;
  return completed->jobs.back().sequence + 1;
}

Status SaveCompletedBackups(const StateLayout& layout, std::string_view domain,
                            const CompletedBackups& completed) {
  conf::XmlElement root("completedBackups");
  root.SetAttribute("consumed", YesNo(completed.last_consumed));
  const std::size_t first = completed.jobs.size() > kCompletedBackupsKept
                                ? completed.jobs.size() - kCompletedBackupsKept
                                : 0;
  for (std::size_t i = first; i < completed.jobs.size(); ++i) {
    root.AddChild(CompletedJob(completed.jobs[i]));
  }
  return util::WriteFileAtomically(CompletedBackupPath(layout, domain), root.ToString(),
                                   {.sync = false, .mode = 0600});
}

}  // namespace cairn::drivers::qemu
