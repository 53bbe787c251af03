// BackupStart: checks, then the steps of backup_begin.hpp's diagram.
#include "drivers/qemu/backup_begin.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <set>

#include "drivers/qemu/checkpoint_checks.hpp"
#include "drivers/qemu/crash_point.hpp"
#include "drivers/qemu/file_ownership.hpp"
#include "drivers/qemu/qemu_command.hpp"
#include "drivers/qemu/store_formatting.hpp"
#include "drivers/qemu/test_hooks.hpp"
#include "util/time.hpp"
#include "util/unique_fd.hpp"
#include "util/unix_socket.hpp"

namespace cairn::drivers::qemu {
namespace {

using conf::BackupDiskMode;
using conf::BackupStoreType;
using nlohmann::json;

constexpr ErrorDomain kErr = ErrorDomain::kQemu;

// What is at a store path: nothing, a dangling symbolic link, or the file a link leads to.
enum class PathKind { kNothing, kDanglingLink, kBlockDevice, kOther };

PathKind KindOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0)
    return S_ISBLK(st.st_mode) ? PathKind::kBlockDevice : PathKind::kOther;
  if (::lstat(path.c_str(), &st) == 0) return PathKind::kDanglingLink;
  return PathKind::kNothing;
}

// A store is checked before anything touches it. type='block' is a block device (a link to
// one is followed), whether Cairn formats it or reuses it: formatting a regular file there
// would destroy it (QEMU's host_device driver, which libvirt formats it with, refuses one
// too). type='file' without REUSE_EXTERNAL must be free — a dangling link counts as taken,
// since creating through it would make a file wherever it points (libvirt creates one).
Status CheckStore(const conf::BackupDiskDef& d, bool reuse) {
  const PathKind kind = KindOf(d.store_path);
  if (d.type == BackupStoreType::kBlock) {
    if (kind == PathKind::kBlockDevice) return {};
    if (kind == PathKind::kNothing || kind == PathKind::kDanglingLink) {
      return Fail(
          ErrorCode::kInvalidArg, kErr,
          fmt::format("store '{}' for backup of '{}' does not exist", d.store_path, d.name));
    }
    return Fail(
        ErrorCode::kInvalidArg, kErr,
        fmt::format("store '{}' for backup of '{}' is not a block device", d.store_path, d.name));
  }
  if (reuse) {
    if (kind == PathKind::kNothing || kind == PathKind::kDanglingLink) {
      return Fail(
          ErrorCode::kInvalidArg, kErr,
          fmt::format("store '{}' for backup of '{}' does not exist", d.store_path, d.name));
    }
    return {};
  }
  if (kind == PathKind::kDanglingLink) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("store '{}' for backup of '{}' is a dangling symbolic link",
                            d.store_path, d.name));
  }
  if (kind != PathKind::kNothing) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("store '{}' for backup of '{}' exists", d.store_path, d.name));
  }
  return {};
}

// Makes the file a created store goes into, atomically and only if nothing is there (not
// even a link), so that QEMU, which formats what it finds, only ever writes Cairn's; `size`
// bytes long (a raw store, which nothing formats), or empty (0) for QEMU to format.
Status CreateStoreFile(const conf::BackupDiskDef& d, std::uint64_t size) {
  util::UniqueFd fd(
      ::open(d.store_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (fd.get() >= 0) {
    if (size == 0 || ::ftruncate(fd.get(), static_cast<off_t>(size)) == 0) return {};
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot size '{}' for backup of '{}': {}", d.store_path, d.name,
                            std::strerror(errno)));
  }
  if (errno == EEXIST) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("store '{}' for backup of '{}' exists", d.store_path, d.name));
  }
  // libvirt's code and message (virStorageSourceCreate failing).
  return Fail(
      ErrorCode::kSystemError, kErr,
      fmt::format("failed to create image file '{}': {}", d.store_path, std::strerror(errno)));
}

// Whether something can listen on host:port right now (QEMU will bind it a moment later).
bool PortFree(const std::string& host, unsigned port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return false;
  bool free = true;
  for (addrinfo* a = res; a != nullptr && free; a = a->ai_next) {
    util::UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    free = fd.get() >= 0 && ::bind(fd.get(), a->ai_addr, a->ai_addrlen) == 0;
  }
  ::freeaddrinfo(res);
  return free;
}

// libvirt's rules for <server>, and a port chosen when none is given (libvirt requires one).
Status PrepareServer(conf::BackupDef& def, const QemuDriverOptions& options) {
  if (!def.server) def.server = conf::BackupServerDef{};
  conf::BackupServerDef& s = *def.server;
  if (s.tls.value_or(false) && options.tls_x509_cert_dir.empty()) {
    // libvirt's code and message; Cairn's setting is cairnd.conf's tls_x509_cert_dir.
    return Fail(ErrorCode::kOperationInvalid, kErr, "backup TLS directory not configured");
  }
  if (s.transport == "fd") {
    return Fail(ErrorCode::kOperationUnsupported, kErr,
                "NBD server transport 'fd' is not supported");
  }
  if (s.transport == "unix") {
    // The path becomes a link to QEMU's socket (NbdSocketPath): a path in use is refused
    // here already, though only the link's creation decides (libvirt does not check; its
    // QEMU would unlink whatever is there).
    struct stat st;
    if (::lstat(s.socket.c_str(), &st) == 0) {
      return Fail(ErrorCode::kInvalidArg, kErr,
                  fmt::format("NBD server socket '{}' already exists", s.socket));
    }
    return {};
  }
  if (s.transport != "tcp") return {};
  if (s.name.empty()) s.name = "localhost";
  for (unsigned p = kNbdPortMin; s.port == 0 && p <= kNbdPortMax; ++p) {
    if (PortFree(s.name, p)) s.port = p;
  }
  if (s.port == 0) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("no free TCP port for the NBD server on '{}' in {}-{}", s.name,
                            kNbdPortMin, kNbdPortMax));
  }
  return {};
}

// The checkpoint an incremental disk starts from: it exists, covers the disk, and its
// bitmap is there, persistent, recording and consistent.
Result<const qmp::DirtyBitmapInfo*> SourceBitmap(const DomainSession& s,
                                                 const qmp::BlockNodeInfo& node,
                                                 const conf::BackupDiskDef& d) {
  Result<const conf::CheckpointDef*> cp = s.checkpoints().Find(d.incremental);
  if (!cp) {
    return Fail(ErrorCode::kNoDomainCheckpoint, kErr,
                fmt::format("Checkpoint '{}' for incremental backup of disk '{}' not found",
                            d.incremental, d.name));
  }
  std::string bitmap;
  bool excluded = false;
  for (const conf::CheckpointDiskDef& cd : (*cp)->disks) {
    if (cd.name != d.name) continue;
    if (cd.type == conf::CheckpointDiskType::kBitmap) bitmap = cd.bitmap;
    excluded = cd.type == conf::CheckpointDiskType::kNo;
  }
  // libvirt's code; its message would call the bitmap missing or broken.
  if (excluded) {
    return Fail(ErrorCode::kCheckpointInconsistent, kErr,
                fmt::format("checkpoint '{}' excludes disk '{}' (checkpoint='no'): no "
                            "incremental backup of it can start there",
                            d.incremental, d.name));
  }
  const qmp::DirtyBitmapInfo* b = bitmap.empty() ? nullptr : node.FindBitmap(bitmap);
  if (b == nullptr || !b->persistent || !b->recording || b->inconsistent) {
    return Fail(ErrorCode::kCheckpointInconsistent, kErr,
                fmt::format("missing or broken bitmap '{}' for disk '{}': recover by deleting "
                            "checkpoint '{}' and taking a full backup",
                            bitmap.empty() ? d.incremental : bitmap, d.name, d.incremental));
  }
  return b;
}

// Test seam: the installed TestHooks may throttle the jobs from their first moment.
std::optional<std::int64_t> TestSpeed() { return CurrentTestHooks().backup_speed; }

// Push jobs copy with copy_file_range() (blockdev-backup's x-perf.use-copy-range, QEMU 6.0+)
// instead of QEMU's default read + write. With the images in the page cache (cache.direct=off)
// the kernel then copies page to page instead of bouncing every chunk through QEMU's buffers.
// On QEMU 7.2 here (bench/backup) a full backup of 1 GiB took about 0.6x the time, and QEMU's
// monitor stayed responsive: with read + write it stalled for up to half a second at a time,
// which delays every GetJobStats and so the moment a client sees the job end. Where the files
// cannot copy_file_range (different file systems, block devices) QEMU falls back to read +
// write by itself; on a file system with reflinks (XFS, btrfs) the kernel may share extents,
// which still leaves the target an independent (copy-on-write) file. Pull jobs copy only what
// the guest overwrites, so they keep QEMU's default.
bool QemuHasCopyRange(const qmp::QmpClient& qmp) { return qmp.greeting().major >= 6; }

// The x509 credentials of <server tls='yes'/>, as libvirt's qemuBuildTLSx509BackendProps for
// a backup: the configured directory (ca-cert.pem, server-cert.pem, server-key.pem),
// endpoint server, verify-peer as configured. A crashed begin's object goes first.
Status AddTlsCredentials(qmp::QmpClient& qmp, const QemuDriverOptions& options) {
  (void)qmp.Execute("object-del", {{"id", kBackupTlsObjectId}});
  Result<json> added = qmp.Execute("object-add", {{"qom-type", "tls-creds-x509"},
                                                  {"id", kBackupTlsObjectId},
                                                  {"dir", options.tls_x509_cert_dir},
                                                  {"endpoint", "server"},
                                                  {"verify-peer", options.tls_x509_verify}});
  if (!added) return std::unexpected(added.error());
  return {};
}

// The name under which QEMU knows the NBD server's listening socket when Cairn made it.
constexpr std::string_view kNbdSocketFdName = "cairn-backup-nbd";

// A unix stream socket listening at `path` (nothing may be there).
Result<util::UniqueFd> ListenUnix(const std::string& path) {
  std::optional<sockaddr_un> address = util::UnixSocketAddress(path);
  auto failed = [&](int err) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot listen on NBD server socket '{}': {}", path,
                            std::strerror(err)));
  };
  if (!address) return failed(ENAMETOOLONG);
  util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return failed(errno);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0 ||
      ::listen(fd.get(), 16) != 0) {
    return failed(errno);
  }
  return fd;
}

std::string FileDriver(const conf::BackupDiskDef& d) {
  return d.type == BackupStoreType::kBlock ? "host_device" : "file";
}

}  // namespace

BackupStart::~BackupStart() {
  // A failure after the record was written: undo everything (the record stays for the next
  // look if even that fails). The checkpoint's roll-back is the job's (RollBackStart), now
  // or at that next look.
  if (recorded_ && !committed_ && job_.active()) (void)job_.RollBackStart();
  if (checkpoint_) checkpoint_->LeaveToNextLook();
}

Status BackupStart::Run(conf::BackupDef def, std::optional<conf::CheckpointDef> checkpoint) {
  if (Status ok = Plan(std::move(def), std::move(checkpoint)); !ok) return ok;
  return Execute();
}

Status BackupStart::Plan(conf::BackupDef def, std::optional<conf::CheckpointDef> checkpoint) {
  const DomainRecord& dom = session_.domain();
  Result<qmp::QmpClient*> q = job_.Qmp();
  if (!q) return std::unexpected(q.error());
  Result<std::vector<qmp::BlockNodeInfo>> nodes = qmp::QueryNamedBlockNodes(**q);
  if (!nodes) return std::unexpected(nodes.error());
  Result<std::vector<qmp::JobInfo>> jobs = qmp::QueryJobs(**q);
  if (!jobs) return std::unexpected(jobs.error());

  // libvirt's order: the backup's disks, the NBD server, then the checkpoint (whose name,
  // given or the time, is the suffix of generated target names).
  if (checkpoint && checkpoint->name.empty()) {
    checkpoint->name = std::to_string(util::NowUnixSeconds());
  }
  const std::string suffix = checkpoint ? checkpoint->name : std::to_string(util::NowUnixSeconds());
  if (Status ok = conf::AlignBackupDisks(def, dom.def, suffix); !ok) return ok;
  const bool push = def.mode == conf::BackupMode::kPush;
  if (!push) {
    if (Status ok = PrepareServer(def, options_); !ok) return ok;
  }
  if (checkpoint) {
    Result<CheckpointCreation> c = CheckpointCreation::Prepare(session_, std::move(*checkpoint));
    if (!c) return std::unexpected(c.error());
    checkpoint_.emplace(std::move(*c));
  }
  const bool reuse = flags_ & kBackupReuseExternal;

  BackupRecord r;
  r.phase = BackupPhase::kStarting;
  r.started_ms = util::NowUnixMillis();
  r.sequence = NextJobSequence(layout_, dom.def.name());  // names the job, for its events
  r.qemu_pid = runner_pid_;
  r.storage_daemon = !dom.active();
  r.flags = flags_;
  r.nbd_server = !push;
  if (checkpoint_) {
    r.checkpoint = checkpoint_->def().name;
    r.checkpoint_parent = checkpoint_->def().parent;
  }
  std::set<std::string> export_names;
  for (conf::BackupDiskDef& d : def.disks) {
    if (!d.backup) continue;
    const qmp::BlockNodeInfo* node = qmp::FindNode(*nodes, DiskNodeName(d.name));
    if (node == nullptr) {
      return Fail(ErrorCode::kConfigUnsupported, kErr,
                  fmt::format("disk '{}' has no media", d.name));
    }
    for (const conf::XmlElement& x : d.store_extra) {
      if (x.name() == "encryption") {
        return Fail(ErrorCode::kConfigUnsupported, kErr,
                    fmt::format("encrypted backup store of disk '{}' is not supported", d.name));
      }
    }
    if (Status ok = CheckStore(d, reuse); !ok) return ok;
    if (d.format.empty()) d.format = "qcow2";  // libvirt's default, shown by BackupGetXmlDesc
    DiskPlan plan{.target = d.name, .format = d.format, .size = node->virtual_size};
    BackupDiskJob job{.target = d.name,
                      .node = "backup-" + d.name,
                      .job_id = "backup-" + d.name,
                      .created = false};  // set once Cairn made the file (Execute)
    plan.create_file = !reuse && d.type == BackupStoreType::kFile;
    if (qmp::FindNode(*nodes, job.node) != nullptr) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("block node '{}' already exists", job.node));
    }
    for (const qmp::JobInfo& j : *jobs) {
      if (j.id == job.job_id) {
        return Fail(ErrorCode::kOperationFailed, kErr,
                    fmt::format("QEMU already has a job '{}'", job.job_id));
      }
    }
    if (!push) {
      if (d.exportname.empty()) d.exportname = d.name;
      if (!export_names.insert(d.exportname).second) {
        return Fail(ErrorCode::kConfigUnsupported, kErr,
                    fmt::format("NBD export name '{}' is used twice", d.exportname));
      }
      job.export_id = "backup-export-" + d.name;
    }
    if (d.mode == BackupDiskMode::kIncremental) {
      Result<const qmp::DirtyBitmapInfo*> src = SourceBitmap(session_, *node, d);
      if (!src) return std::unexpected(src.error());
      plan.source_bitmap = (*src)->name;
      plan.granularity = (*src)->granularity;
      if (push) {
        job.temp_bitmap = "backup-" + d.name;
        job.temp_bitmap_node = node->node_name;
        if (const qmp::DirtyBitmapInfo* stale = node->FindBitmap(job.temp_bitmap)) {
          if (stale->persistent) {
            return Fail(ErrorCode::kOperationFailed, kErr,
                        fmt::format("disk '{}' already has a persistent bitmap '{}'", d.name,
                                    job.temp_bitmap));
          }
          plan.drop_stale_temp = true;
        }
      } else {
        if (d.exportbitmap.empty()) d.exportbitmap = "backup-" + d.name;
        job.temp_bitmap = d.exportbitmap;
        job.temp_bitmap_node = job.node;
      }
    }
    plans_.push_back(std::move(plan));
    r.disks.push_back(std::move(job));
  }
  if (plans_.empty()) {
    return Fail(ErrorCode::kConfigUnsupported, kErr, "no disks selected for backup");
  }
  r.def = std::move(def);
  job_.SetRecord(std::move(r));
  return {};
}

Status BackupStart::Execute() {
  BackupRecord& r = job_.record();
  const bool push = r.push();
  const bool reuse = flags_ & kBackupReuseExternal;
  if (Status ok = job_.Save(); !ok) return ok;
  recorded_ = true;
  CrashPoint("backup-begin:record-written");

  // New stores are made here; QEMU formats them below.
  std::vector<StoreToFormat> to_format;
  for (const DiskPlan& p : plans_) {
    const conf::BackupDiskDef& d = *r.FindDisk(p.target);
    const bool format_block = !reuse && d.type == BackupStoreType::kBlock && p.format == "qcow2";
    if (!p.create_file && !format_block) continue;
    const bool raw = p.format == "raw";  // a raw store is its bytes: nothing to format
    if (p.create_file) {
      if (Status ok = CreateStoreFile(d, raw ? p.size : 0); !ok) return ok;
      // Recorded at once: from here on the file is Cairn's to remove, and only from here.
      r.FindJob(p.target)->created = true;
      if (Status ok = job_.Save(); !ok) return ok;
    }
    if (!raw) {
      to_format.push_back({.name = p.target,
                           .path = d.store_path,
                           .protocol = FileDriver(d),
                           .format = p.format,
                           .size = p.size,
                           .purpose = fmt::format("for backup of '{}'", p.target)});
    }
  }

  // QEMU opens the stores after it dropped privileges (-runas): they become its user's until
  // the job ends (BackupJob gives them back). A shut-off domain's storage daemon keeps ours.
  if (const std::optional<QemuRunAs> run_as = options_.EffectiveRunAs();
      run_as && !r.storage_daemon) {
    const OwnershipLedger ledger(layout_.BackupOwnersFile(session_.domain().def.name()));
    for (const DiskPlan& p : plans_) {
      if (Status ok = ledger.Grant(r.FindDisk(p.target)->store_path, *run_as); !ok) return ok;
    }
  }

  Result<qmp::QmpClient*> q = job_.Qmp();
  if (!q) return std::unexpected(q.error());
  qmp::QmpClient& qmp = **q;
  if (Status ok = FormatStores(qmp, to_format); !ok) return ok;
  CrashPoint("backup-begin:storage-created");
  for (const DiskPlan& p : plans_) {
    const conf::BackupDiskDef& d = *r.FindDisk(p.target);
    json options = {{"driver", p.format},
                    {"node-name", r.FindJob(p.target)->node},
                    {"file", {{"driver", FileDriver(d)}, {"filename", d.store_path}}}};
    if (!push) {
      options["backing"] = DiskNodeName(p.target);  // the scratch shows the disk as it was
    } else if (p.format == "qcow2") {
      options["backing"] = nullptr;  // a target is self-contained, whatever its header says
    }
    if (Status ok = qmp::BlockdevAdd(qmp, options); !ok) return ok;
  }
  if (!push) {
    const conf::BackupServerDef& s = *r.def.server;
    const std::string own_socket = NbdSocketPath(layout_, session_.domain().def.name()).string();
    if (s.transport == "unix") {
      std::error_code ec;
      std::filesystem::remove(own_socket, ec);  // a crashed begin's; nobody else's
    }
    qmp::NbdServerAddress address =
        s.transport == "unix" ? qmp::NbdServerAddress::Unix(own_socket)
                              : qmp::NbdServerAddress::Inet(s.name, std::to_string(s.port));
    // A QEMU that dropped privileges cannot make its socket in the private run directory:
    // Cairn binds it and hands QEMU the listening descriptor.
    if (s.transport == "unix" && options_.EffectiveRunAs() && !r.storage_daemon) {
      Result<util::UniqueFd> listening = ListenUnix(own_socket);
      if (!listening) return std::unexpected(listening.error());
      if (Status ok = qmp.SendFd(listening->get(), kNbdSocketFdName); !ok) return ok;
      address = qmp::NbdServerAddress::Fd(std::string(kNbdSocketFdName));
    }
    if (s.tls.value_or(false)) {
      if (Status ok = AddTlsCredentials(qmp, options_); !ok) return ok;
      address.tls_creds = kBackupTlsObjectId;
    }
    if (Status ok = qmp::NbdServerStart(qmp, address); !ok) return ok;
    if (s.transport == "unix") {
      if (::symlink(own_socket.c_str(), s.socket.c_str()) != 0) {
        if (errno == EEXIST) {
          return Fail(ErrorCode::kInvalidArg, kErr,
                      fmt::format("NBD server socket '{}' already exists", s.socket));
        }
        return Fail(ErrorCode::kSystemError, kErr,
                    fmt::format("cannot create NBD server socket '{}': {}", s.socket,
                                std::strerror(errno)));
      }
      r.nbd_socket_id = SymlinkId(s.socket);
      if (Status ok = job_.Save(); !ok) return ok;
    }
  }
  // A shut-off domain cannot shut down: the flag holds trivially (and the daemon has no
  // set-action).
  if ((flags_ & kBackupPreserveShutdownDomain) && !r.storage_daemon) {
    Result<json> held = qmp.Execute("set-action", {{"shutdown", "pause"}});
    if (!held) return std::unexpected(held.error());
  }
  CrashPoint("backup-begin:nodes-attached");

  if (checkpoint_) {
    if (Status ok = checkpoint_->WriteJournal(); !ok) return ok;
  }
  std::vector<qmp::TransactionAction> actions;
  for (const DiskPlan& p : plans_) {
    if (p.drop_stale_temp) {
      const BackupDiskJob& job = *r.FindJob(p.target);
      actions.push_back(qmp::BlockDirtyBitmapRemove{job.temp_bitmap_node, job.temp_bitmap});
    }
  }
  if (checkpoint_) {
    for (qmp::TransactionAction& add : checkpoint_->BitmapActions()) {
      actions.push_back(std::move(add));
    }
  }
  for (const DiskPlan& p : plans_) {
    const BackupDiskJob& job = *r.FindJob(p.target);
    if (job.temp_bitmap.empty()) continue;
    actions.push_back(qmp::BlockDirtyBitmapAdd{.node = job.temp_bitmap_node,
                                               .name = job.temp_bitmap,
                                               .persistent = false,
                                               .disabled = true,
                                               .granularity = p.granularity});
    actions.push_back(qmp::BlockDirtyBitmapMerge{
        .node = job.temp_bitmap_node,
        .target = job.temp_bitmap,
        .bitmaps = {{.node = DiskNodeName(p.target), .name = p.source_bitmap}}});
  }
  for (const DiskPlan& p : plans_) {
    const BackupDiskJob& job = *r.FindJob(p.target);
    qmp::BlockdevBackup backup{.job_id = job.job_id,
                               .device = DiskNodeName(p.target),
                               .target = job.node,
                               .speed = TestSpeed(),
                               .auto_dismiss = false};
    if (push && QemuHasCopyRange(qmp)) backup.use_copy_range = true;
    if (!push) {
      backup.sync = qmp::BackupSync::kNone;
    } else if (!job.temp_bitmap.empty()) {
      backup.sync = qmp::BackupSync::kIncremental;
      backup.bitmap = job.temp_bitmap;
    }
    actions.push_back(std::move(backup));
  }
  if (Status ok = qmp::Transaction(qmp, actions); !ok) return ok;
  if (checkpoint_) checkpoint_->BitmapsAdded();
  r.copy_started_ms = util::NowUnixMillis();
  CrashPoint("backup-begin:transaction-done");

  if (!push) {
    for (const DiskPlan& p : plans_) {
      const BackupDiskJob& job = *r.FindJob(p.target);
      qmp::BlockExportNbd e{
          .id = job.export_id, .node_name = job.node, .name = r.FindDisk(p.target)->exportname};
      if (!job.temp_bitmap.empty()) e.bitmaps = {job.temp_bitmap};
      if (Status ok = qmp::BlockExportAdd(qmp, e); !ok) return ok;
    }
  }
  if (checkpoint_) {
    if (Status ok = checkpoint_->SaveMetadata(); !ok) return ok;
  }
  CrashPoint("backup-begin:checkpoint-saved");

  r.phase = BackupPhase::kRunning;
  for (conf::BackupDiskDef& d : r.def.disks) {
    if (d.backup) d.state = conf::BackupDiskState::kRunning;
  }
  if (Status ok = job_.Save(); !ok) return ok;
  committed_ = true;
  CrashPoint("backup-begin:running");

  if (checkpoint_) checkpoint_->Commit();
  return {};
}

}  // namespace cairn::drivers::qemu
