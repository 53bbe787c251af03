// The qemu driver: opening, and the domain lifecycle.
#include "drivers/qemu/qemu_driver.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "conf/domain_identity.hpp"
#include "conf/uuid.hpp"
#include "driver/flag_bits.hpp"
#include "drivers/qemu/abort_finisher.hpp"
#include "drivers/qemu/backup_job.hpp"
#include "drivers/qemu/domain_lock.hpp"
#include "drivers/qemu/domain_record.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/domain_support.hpp"
#include "drivers/qemu/job_event_fanout.hpp"
#include "drivers/qemu/kept_monitors.hpp"
#include "drivers/qemu/qemu_version.hpp"
#include "model/checkpoint_store.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"
#include "util/atomic_file.hpp"
#include "util/file_lock.hpp"

namespace cairn::drivers::qemu {
namespace {

// The state of a running domain as QEMU sees it: paused when a guest shutdown is held for a
// backup (PRESERVE_SHUTDOWN_DOMAIN) or an I/O error stopped the VM, crashed after a guest
// panic. A monitor that does not answer quickly leaves the answer "running".
DomainState RunState(DomainSession& session) {
  constexpr std::chrono::milliseconds kPatience{500};
  Result<qmp::QmpClient*> qmp = session.Monitor(kPatience);
  if (!qmp) return DomainState::kRunning;
  Result<qmp::VmStatus> status = qmp::QueryStatus(**qmp);
  if (!status || status->running) return DomainState::kRunning;
  if (status->status == "guest-panicked") return DomainState::kCrashed;
  if (status->status == "suspended") return DomainState::kPmSuspended;
  return DomainState::kPaused;  // "paused", "shutdown" (held), "io-error", ...
}

constexpr ErrorDomain kErr = ErrorDomain::kQemu;
constexpr unsigned kHasCheckpoint = Bits(ListDomainsFlags::kHasCheckpoint),
                   kNoCheckpoint = Bits(ListDomainsFlags::kNoCheckpoint);
constexpr unsigned kUndefineCheckpointsMetadata = Bits(UndefineFlags::kCheckpointsMetadata);
using namespace driver::domain_xml_bits;

// A shut-off domain whose disks a backup job reads (through its storage daemon) can neither
// start (QEMU could not lock the images) nor go until the job ends. A job that has ended
// without anyone looking is settled first, which stops the daemon.
Status NoBackupWhileShutOff(DomainSession& session, std::string_view what) {
  const DomainRecord& rec = session.domain();
  if (rec.active()) return {};
  Result<BackupJob> job = BackupJob::Open(session);
  if (!job) return std::unexpected(job.error());
  if (Status ok = job->Refresh(); !ok) return ok;
  if (!job->active()) return {};
  return Fail(ErrorCode::kOperationInvalid, kErr,
              fmt::format("cannot {} domain '{}' while a backup job reads its disks: wait for "
                          "the job to end, or abort it with 'domjobabort {}'",
                          what, rec.def.name(), rec.def.name()));
}

// Counted from the index when it stands (no definition parsed), else from every file. A
// reader: nothing is written, even an index rebuilt from the files.
std::size_t CountCheckpoints(const model::CheckpointStore& store) {
  Result<std::shared_ptr<const model::LinkedCheckpoints>> linked = store.LoadIndexed(false);
  return linked ? (*linked)->tree().Size() : 0;
}

bool HasCheckpoints(const StateLayout& layout, std::string_view name) {
  return CountCheckpoints(model::CheckpointStore(layout.CheckpointDir(name))) > 0;
}

}  // namespace

Result<std::unique_ptr<driver::Driver>> OpenQemuDriver(const driver::ConnectUri& uri,
                                                       bool read_only) {
  std::filesystem::path root;
  if (!uri.host.empty()) {
    return Fail(ErrorCode::kOperationUnsupported, kErr,
                fmt::format("remote hosts are not supported: '{}'", uri.text));
  }
  if (uri.path == "/embed") {
    auto it = uri.query.find("root");
    if (it == uri.query.end() || it->second.empty() || it->second.front() != '/') {
      return Fail(ErrorCode::kInvalidArg, kErr,
                  fmt::format("URI '{}' must give an absolute root=DIR", uri.text));
    }
    root = it->second;
  } else {
    // qemu:///system and qemu:///session are cairnd's (driver::NamesDaemon): only the
    // embedded form runs the driver in this process.
    return Fail(ErrorCode::kOperationUnsupported, kErr,
                fmt::format("unexpected qemu URI path '{}', try qemu:///embed?root=DIR or "
                            "qemu:///session",
                            uri.path));
  }
  Result<QemuDriverOptions> options = QemuDriverOptionsFromQuery(uri.query);
  if (!options) return std::unexpected(options.error());
  StateLayout layout(root);
  if (Status ok = layout.Prepare(); !ok) return std::unexpected(ok.error());
  return std::make_unique<QemuDriver>(uri.text, std::move(layout), read_only,
                                      std::move(*options));
}

QemuDriver::QemuDriver(std::string uri, StateLayout layout, bool read_only,
                       QemuDriverOptions options)
    : uri_(std::move(uri)),
      layout_(std::move(layout)),
      read_only_(read_only),
      options_(std::move(options)) {}

QemuDriver::QemuDriver(std::string uri, StateLayout layout, bool read_only,
                       QemuDriverOptions options, Served served)
    : uri_(std::move(uri)),
      layout_(std::move(layout)),
      read_only_(read_only),
      options_(std::move(options)),
      served_(std::move(served)) {}

QemuDriver::~QemuDriver() = default;

Result<std::unique_ptr<driver::Driver>> QemuDriver::ClientView(bool read_only) {
  std::lock_guard lock(served_mutex_);
  if (!served_.job_events) {
    // The server owns the root: from now on this process keeps its monitors, one source,
    // looking as this driver may (a writable one settles jobs that ended), serves every
    // job-event subscription, and one thread ends every view's aborted jobs.
    served_.monitors = KeptMonitors::Keep(layout_.root());
    served_.job_events = std::make_shared<JobEventFanOut>(uri_, layout_, read_only_);
    if (!read_only_) AbortsLocked();
  }
  return std::unique_ptr<driver::Driver>(
      new QemuDriver(uri_, layout_, read_only_ || read_only, options_, served_));
}

std::shared_ptr<AbortFinisher> QemuDriver::Aborts() {
  std::lock_guard lock(served_mutex_);
  return AbortsLocked();
}

std::shared_ptr<AbortFinisher> QemuDriver::AbortsLocked() {
  if (!served_.aborts) {
    served_.aborts =
        std::make_shared<AbortFinisher>(std::make_unique<QemuDriver>(uri_, layout_, read_only_));
  }
  return served_.aborts;
}

Result<std::vector<driver::DomainRef>> QemuDriver::ListDomains(unsigned flags) {
  Result<std::vector<DomainRecord>> all = LoadAllDomains(layout_);
  if (!all) return std::unexpected(all.error());
  std::vector<driver::DomainRef> out;
  for (const DomainRecord& d : *all) {
    // Reading checkpoint metadata costs a directory scan: only when the filter asks.
    bool has = (flags & (kHasCheckpoint | kNoCheckpoint)) && HasCheckpoints(layout_, d.def.name());
    if (driver::MatchesListFlags(flags, d.active(), true, has)) out.push_back(d.Ref());
  }
  return out;
}

Result<driver::DomainRef> QemuDriver::LookupDomainByName(std::string_view name) {
  Result<DomainRecord> rec = LoadDomain(layout_, name);
  if (!rec) return std::unexpected(rec.error());
  return rec->Ref();
}

Result<driver::DomainRef> QemuDriver::LookupDomainByUuid(std::string_view uuid) {
  std::optional<std::string> canonical = conf::CanonicalUuid(uuid);
  Result<std::vector<DomainRecord>> all = LoadAllDomains(layout_);
  if (!all) return std::unexpected(all.error());
  for (const DomainRecord& d : *all) {
    if (canonical && d.def.uuid() == *canonical) return d.Ref();
  }
  return Fail(ErrorCode::kNoDomain, kErr, fmt::format("no domain with matching uuid '{}'", uuid));
}

Result<driver::DomainRef> QemuDriver::LookupDomainById(int id) {
  Result<std::vector<DomainRecord>> all = LoadAllDomains(layout_);
  if (!all) return std::unexpected(all.error());
  for (const DomainRecord& d : *all) {
    if (d.qemu && d.qemu->id == id) return d.Ref();
  }
  return Fail(ErrorCode::kNoDomain, kErr, fmt::format("no domain with matching id {}", id));
}

Result<DomainInfo> QemuDriver::GetDomainInfo(const driver::DomainRef& ref) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {});
  if (!s) return std::unexpected(s.error());
  const DomainRecord& rec = s->domain();
  DomainInfo info;
  info.state = rec.active() ? RunState(*s) : DomainState::kShutoff;
  info.max_memory_kib = rec.def.memory_kib();
  info.memory_kib = rec.def.current_memory_kib();
  info.vcpus = rec.def.vcpus();
  info.persistent = true;
  return info;
}

Result<std::string> QemuDriver::DomainGetOsType(const driver::DomainRef& ref) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {});
  if (!s) return std::unexpected(s.error());
  const DomainRecord& rec = s->domain();
  if (const conf::XmlElement* os = rec.def.element().Child("os")) {
    if (std::optional<std::string> type = os->ChildText("type")) return *type;
  }
  return std::string("hvm");
}

// No security driver: what libvirt's "none" driver reports (it labels nothing).
Result<SecurityModel> QemuDriver::GetSecurityModel() { return SecurityModel{"none", "0"}; }

Result<SecurityLabel> QemuDriver::DomainGetSecurityLabel(const driver::DomainRef& ref) {
  Result<DomainRecord> rec = LoadDomain(layout_, ref);
  if (!rec) return std::unexpected(rec.error());
  return SecurityLabel{};
}

Result<unsigned long> QemuDriver::HypervisorVersion() {
  return QemuBinaryVersion(kDefaultEmulator);
}

Result<std::string> QemuDriver::DomainGetXmlDesc(const driver::DomainRef& ref, unsigned flags) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {});
  if (!s) return std::unexpected(s.error());
  const DomainRecord& rec = s->domain();
  unsigned f = 0;
  if (flags & kXmlSecure) f |= conf::kDomainFormatSecure;
  if ((flags & kXmlInactive) || !rec.active()) f |= conf::kDomainFormatInactive;
  return rec.def.Format(f);
}

Result<driver::DomainRef> QemuDriver::DefineDomainXml(std::string_view xml, unsigned) {
  Result<conf::DomainDef> def = conf::DomainDef::Parse(xml);
  if (!def) return std::unexpected(def.error());
  if (Status ok = ValidateDomainName(def->name()); !ok) return std::unexpected(ok.error());
  if (Status ok = CheckQemuSupport(*def); !ok) return std::unexpected(ok.error());
  Result<util::FileLock> lock = LockDomain(layout_, def->name());
  if (!lock) return std::unexpected(lock.error());
  Result<std::vector<DomainRecord>> all = LoadAllDomains(layout_);
  if (!all) return std::unexpected(all.error());
  std::vector<conf::DomainIdentity> defined;
  for (const DomainRecord& d : *all) defined.push_back({d.def.name(), d.def.uuid()});
  if (Status ok = conf::SettleDomainIdentity(*def, defined, kErr); !ok) {
    return std::unexpected(ok.error());
  }
  if (Status ok = util::WriteFileAtomically(layout_.DomainXml(def->name()),
                                            def->Format(conf::kDomainFormatSecure),
                                            {.mode = 0600});
      !ok) {
    return std::unexpected(ok.error());
  }
  std::optional<RunningQemu> q = FindRunningQemu(layout_, def->name());
  return driver::DomainRef{def->name(), def->uuid(), q ? q->id : -1};
}

Status QemuDriver::UndefineDomain(const driver::DomainRef& ref, unsigned flags) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {.lock = true});
  if (!s) return std::unexpected(s.error());
  const DomainRecord& rec = s->domain();
  const model::CheckpointStore& store = s->store();
  // Counted from the index: a journal a killed writer left dropped it first, so then every
  // file is read, as before.
  Result<std::shared_ptr<const model::LinkedCheckpoints>> linked = store.LoadIndexed(false);
  if (!linked) return std::unexpected(linked.error());
  const std::size_t count = (*linked)->tree().Size();
  if (rec.active()) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                "cannot undefine a running domain: destroy it first (Cairn keeps no transient "
                "domains)");
  }
  if (Status ok = NoBackupWhileShutOff(*s, "undefine"); !ok) return ok;
  if (count > 0 && !(flags & kUndefineCheckpointsMetadata)) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("cannot delete inactive domain with {} checkpoints", count));
  }
  // Metadata only: the bitmaps stay in the images, as with libvirt.
  if (Status ok = store.RemoveAll(); !ok) return ok;
  return util::RemoveFileDurably(layout_.DomainXml(ref.name));
}

Result<driver::DomainRef> QemuDriver::StartDomain(const driver::DomainRef& ref, unsigned) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {.lock = true});
  if (!s) return std::unexpected(s.error());
  const DomainRecord& rec = s->domain();
  if (rec.active()) return Fail(ErrorCode::kOperationInvalid, kErr, "domain is already running");
  if (Status ok = NoBackupWhileShutOff(*s, "start"); !ok) return std::unexpected(ok.error());
  // Ids: the smallest positive number no running domain of this root uses.
  std::set<int> used;
  if (Result<std::vector<DomainRecord>> all = LoadAllDomains(layout_)) {
    for (const DomainRecord& d : *all) {
      if (d.qemu) used.insert(d.qemu->id);
    }
  }
  int id = 1;
  while (used.count(id)) ++id;
  Result<RunningQemu> q = StartQemu(rec.def, layout_, id, options_);
  if (!q) return std::unexpected(q.error());
  return driver::DomainRef{rec.def.name(), rec.def.uuid(), q->id};
}

Status QemuDriver::DestroyDomain(const driver::DomainRef& ref, unsigned) {
  Result<DomainSession> s = DomainSession::Open(layout_, ref, {.lock = true});
  if (!s) return std::unexpected(s.error());
  const DomainRecord& rec = s->domain();
  if (!rec.active()) return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  // A push backup QEMU finished while nobody looked must count as completed, not fail with
  // the domain; settling it first is best effort (a failure there must not block destroy).
  (void)UpdateBackupJobBeforeStop(*s);
  s->CloseMonitor();
  return StopQemu(layout_, ref.name, *rec.qemu);
}

}  // namespace cairn::drivers::qemu
