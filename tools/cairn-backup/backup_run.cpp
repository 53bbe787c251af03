#include "tools/cairn-backup/backup_run.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cairn/backup.hpp"
#include "cairn/backup_job_info.hpp"
#include "cairn/backup_spec.hpp"
#include "cairn/checkpoint.hpp"
#include "cairn/checkpoint_spec.hpp"
#include "cairn/domain.hpp"
#include "cairn/version.hpp"
#include "tools/cairn-backup/bitmap_check.hpp"
#include "tools/cairn-backup/disk_backup.hpp"
#include "tools/cairn-backup/domain_disks.hpp"
#include "tools/cairn-backup/export_socket_dir.hpp"
#include "util/file_lock.hpp"
#include "util/temp_dir.hpp"
#include "util/time.hpp"

namespace cairn::backup {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;

struct DiskPlan {
  DomainDisk disk;
  const repo::DiskRecord* previous = nullptr;  // null: read in full
  std::string full_reason;                     // why, when an incremental reads it in full
};

void Notice(const BackupRequest& request, const std::string& line) {
  if (request.display) request.display->Notice(line);
}

// Deletes this repository's checkpoints on `dom` other than `keep` (failed runs' and older
// backups'). Deleting merges a checkpoint's changes into its parent, so `keep` still
// counts every change since it was made. `broken` names a checkpoint whose bitmap was found
// missing: libvirt refuses to delete it ("bitmap ... not found in backing chain"), having
// nothing to merge, so only its metadata goes (a disk whose bitmap of it survived keeps
// that bitmap in its image).
void DropOurCheckpoints(const Domain& dom, const std::string& prefix, const std::string& keep,
                        const BackupRequest& request, const std::string& broken = {}) {
  Result<std::vector<Checkpoint>> all = dom.ListAllCheckpoints();
  if (!all) return;
  for (const Checkpoint& c : *all) {
    if (c.name() == keep || c.name().rfind(prefix, 0) != 0) continue;
    Status gone = c.Delete();
    if (!gone && c.name() == broken) gone = c.Delete(CheckpointDeleteFlags::kMetadataOnly);
    if (gone) {
      Notice(request, fmt::format("dropped checkpoint '{}'", c.name()));
    } else {
      Notice(request,
             fmt::format("could not drop checkpoint '{}': {}", c.name(), gone.error().Text()));
    }
  }
}

// Ends the job and deletes the new checkpoint unless the backup was committed.
class BackupJobGuard {
 public:
  BackupJobGuard(const Domain& dom, std::string checkpoint)
      : dom_(dom), checkpoint_(std::move(checkpoint)) {}
  ~BackupJobGuard() {
    EndJob();
    if (!committed_) {
      if (Result<Checkpoint> c = dom_.CheckpointLookupByName(checkpoint_)) (void)c->Delete();
    }
  }
  void Committed() { committed_ = true; }
  // Ends the pull job (a pull job ends when aborted; it is then reported completed).
  void EndJob() {
    if (!ended_) (void)dom_.AbortJob();
    ended_ = true;
  }

 private:
  const Domain& dom_;
  std::string checkpoint_;
  bool committed_ = false;
  bool ended_ = false;
};

// The private directory of a run's NBD socket: its name says which repository's run made it,
// so a job a killed run left behind is recognised by its socket path.
std::string SocketDirPrefix(const repo::Repository& repository) {
  return "cairn-backup-" + repository.id().substr(0, 8);
}

// The domain's running backup job. libvirt's protocol has no call for Cairn's
// GetBackupJobInfo (a daemon connection answers VIR_ERR_NO_SUPPORT): there the job is read
// from its document, BackupGetXMLDesc, which names the socket, export names and bitmaps.
Result<BackupJobInfo> RunningJob(const Domain& dom) {
  Result<BackupJobInfo> job = dom.GetBackupJobInfo();
  if (job || job.error().code() != ErrorCode::kNoSupport) return job;
  Result<std::string> xml = dom.BackupGetXmlDesc();
  if (!xml) return std::unexpected(xml.error());
  Result<BackupSpec> described = BackupSpec::FromXml(*xml);
  if (!described) return std::unexpected(described.error());
  return DescribeBackupJob(std::move(*described));
}

// Ends a pull job that a killed run of this repository left on `dom` (the domain allows one
// job, so the next run could not begin). Another tool's job is left alone. Called with the
// domain's run lock held, so the job cannot be a live run's.
Status EndAbandonedJob(const Domain& dom, const repo::Repository& repository,
                       const BackupRequest& request) {
  Result<BackupJobInfo> job = RunningJob(dom);
  if (!job) return {};  // no job (or none this driver can describe): nothing of ours
  const std::string marker = "/" + SocketDirPrefix(repository) + "-";
  if (!job->spec.server || job->spec.server->socket.find(marker) == std::string::npos) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("domain '{}' is running another backup job; wait for it to end",
                            dom.name()));
  }
  if (Status ended = dom.AbortJob(); !ended) return ended;
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(job->spec.server->socket).parent_path(), ec);
  Notice(request, "ended the backup job an interrupted run left behind");
  return {};
}

}  // namespace

std::string CheckpointPrefix(const repo::Repository& repository) {
  return "cb-" + repository.id().substr(0, 8) + "-";
}

Result<repo::BackupManifest> RunBackup(const Connection& connection,
                                       repo::Repository& repository,
                                       const BackupRequest& request) {
  // Shared with other backups and prunes; gc (which would take this run's new chunks for
  // garbage) waits until the run ends.
  Result<std::unique_ptr<repo::StoreLock>> lock = repository.Lock(repo::LockMode::kShared, true);
  if (!lock) return std::unexpected(lock.error());
  Result<Domain> dom = connection.LookupDomain(request.domain);
  if (!dom) return std::unexpected(dom.error());
  // One run per domain and repository at a time, across processes (the kernel drops the
  // lock of a killed run): so a job of this repository found on the domain while this lock
  // is ours is one a killed run left behind, never a live run's.
  const std::filesystem::path run_lock_path =
      util::TempDir::Base() / fmt::format("{}-{}.lock", SocketDirPrefix(repository), dom->uuid());
  Result<util::FileLock> run_lock = util::FileLock::TryAcquire(run_lock_path);
  if (!run_lock && run_lock.error().code() == ErrorCode::kResourceBusy) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("domain '{}' is being backed up into this repository by another "
                            "run ({}); wait for it to end",
                            dom->name(), util::FileLock::Holder(run_lock_path)));
  }
  if (!run_lock) return std::unexpected(run_lock.error());
  Result<std::string> domain_xml = dom->GetXmlDesc();
  if (!domain_xml) return std::unexpected(domain_xml.error());
  Result<std::vector<DomainDisk>> disks = ParseDomainDisks(*domain_xml);
  if (!disks) return std::unexpected(disks.error());

  // What to back up.
  std::vector<DiskPlan> plans;
  for (const DomainDisk& d : *disks) {
    const bool asked = request.disks.empty() ||
                       std::find(request.disks.begin(), request.disks.end(), d.target) !=
                           request.disks.end();
    if (asked && !d.read_only && !d.source.empty()) plans.push_back(DiskPlan{d, nullptr, {}});
  }
  for (const std::string& name : request.disks) {
    if (std::none_of(plans.begin(), plans.end(),
                     [&](const DiskPlan& p) { return p.disk.target == name; })) {
      return Fail(ErrorCode::kInvalidArg, kErr,
                  fmt::format("domain '{}' has no writable disk '{}'", dom->name(), name));
    }
  }
  if (plans.empty()) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("domain '{}' has no disk to back up", dom->name()));
  }

  // Full or incremental, and from where.
  Result<std::vector<repo::BackupManifest>> history = repository.ListBackups(dom->uuid());
  if (!history) return std::unexpected(history.error());
  const repo::BackupManifest* latest = history->empty() ? nullptr : &history->back();
  const std::string prefix = CheckpointPrefix(repository);
  std::optional<std::string> base;
  if (request.level != BackupLevel::kFull && latest) {
    Result<Checkpoint> previous = dom->CheckpointLookupByName(latest->checkpoint);
    if (previous) {
      base = latest->checkpoint;
    } else if (previous.error().code() == ErrorCode::kNoDomainCheckpoint) {
      Notice(request, fmt::format("checkpoint '{}' of backup {} is gone: reading every disk",
                                  latest->checkpoint, latest->id));
    } else {
      return std::unexpected(previous.error());
    }
  }
  if (request.level == BackupLevel::kIncremental && !latest) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("repository has no backup of domain '{}' to follow: use --level "
                            "full or auto",
                            dom->name()));
  }
  if (Status ok = EndAbandonedJob(*dom, repository, request); !ok) {
    return std::unexpected(ok.error());
  }
  // A failed run's checkpoints go; the last committed backup's stays, even before a full.
  DropOurCheckpoints(*dom, prefix, latest ? latest->checkpoint : std::string(), request);
  std::string broken_base;  // the base, when a disk's bitmap of it is not usable
  if (base) {
    const std::optional<BitmapVerdicts> verdicts = CheckBaseBitmaps(*dom, *base);
    for (DiskPlan& p : plans) {
      p.previous = latest->FindDisk(p.disk.target);
      if (!p.previous) {
        p.full_reason = "new since the last backup";
      } else if (verdicts) {
        auto v = verdicts->find(p.disk.target);
        p.full_reason = v == verdicts->end()
                            ? fmt::format("checkpoint '{}' tracks no changes of this disk", *base)
                            : v->second;
      }
      if (!p.full_reason.empty()) {
        if (p.previous) broken_base = *base;
        p.previous = nullptr;
        Notice(request, fmt::format("disk {}: {}: reading it in full", p.disk.target,
                                    p.full_reason));
      }
    }
  }

  // The job: every disk at one instant, exported over a private unix socket.
  const std::int64_t started_ms = util::NowUnixMillis();
  repo::BackupManifest manifest;
  manifest.id = repo::Repository::NewBackupId(started_ms);
  manifest.checkpoint = prefix + manifest.id;
  Result<util::TempDir> sockets =
      MakeExportSocketDir(connection, *domain_xml, SocketDirPrefix(repository));
  if (!sockets) return std::unexpected(sockets.error());
  BackupSpec spec;
  spec.mode = BackupMode::kPull;
  spec.incremental = base.value_or("");
  spec.server = NbdServerSpec{.transport = "unix",
                              .socket = (sockets->path() / "nbd.sock").string()};
  CheckpointSpec checkpoint;
  checkpoint.name = manifest.checkpoint;
  checkpoint.description = "made by cairn-backup for backup " + manifest.id;
  checkpoint.disks.emplace();
  for (const DomainDisk& d : *disks) {
    const bool planned = std::any_of(plans.begin(), plans.end(),
                                     [&](const DiskPlan& p) { return p.disk.target == d.target; });
    BackupDiskSpec disk{.name = d.target, .backup = planned};
    // The scratch image (what the guest overwrites while the job runs) next to the disk,
    // named as Cairn's drivers name it by default; libvirt 9.0 needs the name given
    // ("argument key 'filename' must not have null value" without one).
    if (planned && d.type == "file") disk.store_path = d.source + "." + manifest.checkpoint;
    if (planned && base) {
      const DiskPlan& p = *std::find_if(plans.begin(), plans.end(), [&](const DiskPlan& q) {
        return q.disk.target == d.target;
      });
      disk.mode = p.previous ? BackupDiskMode::kIncremental : BackupDiskMode::kFull;
    }
    spec.disks.push_back(disk);
    checkpoint.disks->push_back(CheckpointDiskSpec{
        .name = d.target, .checkpoint = std::string(planned ? "bitmap" : "no")});
  }
  if (Status begun = dom->BackupBegin(spec.ToXml(), checkpoint.ToXml()); !begun) {
    // Cairn's drivers back up a shut-off domain (its disks served by a storage daemon);
    // libvirtd does not: say what to do instead of only passing its refusal on.
    if (dom->id() < 0 && (begun.error().code() == ErrorCode::kOperationInvalid ||
                          begun.error().code() == ErrorCode::kOperationUnsupported)) {
      return FailBare(begun.error().code(), kErr,
                      fmt::format("domain '{}' is shut off and this hypervisor cannot back up a "
                                  "shut-off domain ({}): start it, paused if the guest must not "
                                  "run ('virsh start --paused {}'), and back it up again",
                                  dom->name(), begun.error().Text(), dom->name()));
    }
    return std::unexpected(begun.error());
  }
  BackupJobGuard guard(*dom, manifest.checkpoint);
  Result<BackupJobInfo> job = RunningJob(*dom);
  if (!job) return std::unexpected(job.error());

  // Every disk at once, each with its share of the cores.
  const unsigned cores = request.threads ? request.threads
                                         : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::optional<Result<DiskBackupResult>>> results(plans.size());
  std::vector<std::optional<repo::DiskIndex>> previous_indexes(plans.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].previous) continue;
    Result<repo::DiskIndex> idx = repository.GetIndex(plans[i].previous->index);
    if (!idx) return std::unexpected(idx.error());
    previous_indexes[i] = std::move(*idx);
  }
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    auto it = std::find_if(job->disks.begin(), job->disks.end(),
                           [&](const BackupJobDisk& d) { return d.name == plans[i].disk.target; });
    if (it == job->disks.end()) {
      results[i] = Fail(ErrorCode::kInternalError, kErr,
                        fmt::format("the backup job exports no disk '{}'", plans[i].disk.target));
      continue;
    }
    DiskSource source{it->nbd_uri, std::nullopt};
    if (previous_indexes[i]) {
      auto spec_disk = std::find_if(job->spec.disks.begin(), job->spec.disks.end(),
                                    [&](const BackupDiskSpec& d) { return d.name == it->name; });
      source.dirty_bitmap = spec_disk != job->spec.disks.end() && !spec_disk->export_bitmap.empty()
                                ? spec_disk->export_bitmap
                                : "backup-" + it->name;
    }
    DiskBackupOptions options;
    options.threads = std::max<unsigned>(1, cores / plans.size());
    if (request.display) options.progress = &request.display->AddDisk(plans[i].disk.target);
    readers.emplace_back([&, i, source, options] {
      results[i] = BackupDisk(repository, source,
                              previous_indexes[i] ? &*previous_indexes[i] : nullptr, options);
    });
  }
  for (std::thread& t : readers) t.join();

  // The indexes, then the manifest: the backup exists once Commit returns.
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (!*results[i]) return std::unexpected(results[i]->error());
    DiskBackupResult& r = **results[i];
    if (r.change_tracker_failed) {
      Notice(request, fmt::format("WARNING: disk {}: {}; it was read in full", plans[i].disk.target,
                                  r.full_read_reason));
    }
    Result<std::string> index_name = repository.PutIndex(manifest.id, plans[i].disk.target, r.index);
    if (!index_name) return std::unexpected(index_name.error());
    repo::DiskRecord rec;
    rec.name = plans[i].disk.target;
    rec.format = plans[i].disk.format;
    rec.size = r.index.disk_size();
    rec.index = *index_name;
    rec.sha256 = repo::DiskDigest(r.index);
    rec.read_in_full = r.read_in_full && base.has_value();
    rec.full_read_reason = base ? (plans[i].full_reason.empty() ? r.full_read_reason
                                                                 : plans[i].full_reason)
                                : "";
    rec.bytes_read = r.totals.bytes_read;
    rec.bytes_stored = r.totals.bytes_stored;
    for (std::size_t s = 0; s < r.index.slot_count(); ++s) {
      if (r.index.slot(s)) rec.bytes_allocated += r.index.SlotBytes(s);
    }
    manifest.disks.push_back(std::move(rec));
  }
  Result<Checkpoint> made = dom->CheckpointLookupByName(manifest.checkpoint);
  if (!made) return std::unexpected(made.error());
  Result<std::string> checkpoint_xml = made->GetXmlDesc();
  if (!checkpoint_xml) return std::unexpected(checkpoint_xml.error());
  manifest.domain_name = dom->name();
  manifest.domain_uuid = dom->uuid();
  manifest.level = base ? "inc" : "full";
  manifest.base_checkpoint = base;
  if (base) manifest.parent = latest->id;
  manifest.started_ms = started_ms;
  manifest.completed_ms = util::NowUnixMillis();
  manifest.tool_version = std::string(LibraryVersion());
  manifest.domain_xml = *domain_xml;
  manifest.checkpoint_xml = *checkpoint_xml;
  if (Status ok = repository.Commit(manifest); !ok) return std::unexpected(ok.error());
  guard.Committed();
  guard.EndJob();
  DropOurCheckpoints(*dom, prefix, manifest.checkpoint, request, broken_base);
  return manifest;
}

}  // namespace cairn::backup
