// cairn/domain.hpp — a handle on one domain (virtual machine) of a connection.
//
// A Domain handle holds its name, UUID and (while running) id, and keeps its connection
// alive. It does not lock anything: every call looks the domain up again in the driver, so
// a handle on a domain that has since been undefined fails with VIR_ERR_NO_DOMAIN.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/backup.hpp"
#include "cairn/checkpoint_bitmaps.hpp"
#include "cairn/backup_job_info.hpp"
#include "cairn/connection.hpp"
#include "cairn/domain_info.hpp"
#include "cairn/error.hpp"
#include "cairn/flags.hpp"

namespace cairn {

class Checkpoint;

class Domain {
 public:
  const std::string& name() const { return name_; }
  const std::string& uuid() const { return uuid_; }
  int id() const { return id_; }  // -1 when the domain is not running
  Connection connection() const { return Connection(conn_); }

  Result<DomainInfo> GetInfo() const;
  // virDomainGetXMLDesc. kSecure is refused on a read-only connection.
  Result<std::string> GetXmlDesc(DomainXmlFlags flags = DomainXmlFlags::kNone) const;
  // virDomainCreate / virDomainDestroy / virDomainUndefineFlags (read-write only).
  Status Start() const;
  Status Destroy() const;
  // virDomainShutdownFlags / virDomainReboot: asks the guest to power off / restart (ACPI
  // power button, or the guest agent's guest-shutdown; kDefault lets the driver choose) and
  // returns without waiting. virDomainSuspend / virDomainResume: pauses / continues the
  // vCPUs. All read-write only; unknown flag bits: VIR_ERR_INVALID_ARG. A domain not in a
  // state for it: the driver's error (libvirt's test driver: VIR_ERR_INTERNAL_ERROR "domain
  // 'x' not running" / "not paused"; a shut-off domain: VIR_ERR_OPERATION_INVALID).
  Status Shutdown(ShutdownFlags flags = ShutdownFlags::kDefault) const;
  Status Reboot(RebootFlags flags = RebootFlags::kDefault) const;
  Status Suspend() const;
  Status Resume() const;
  // virDomainGetOSType: the guest OS type as the driver reports it ("hvm" for QEMU;
  // "linux" from libvirt's test driver).
  Result<std::string> GetOsType() const;
  // virDomainFSFreeze / virDomainFSThaw: freezes (thaws) the guest's filesystems mounted at
  // `mountpoints`, every one when empty, through the guest agent (as a backup tool does around
  // a checkpoint); returns how many it froze (thawed). Read-write only. No flags are defined
  // (nonzero: VIR_ERR_INVALID_ARG). Errors: VIR_ERR_OPERATION_INVALID for a domain not
  // running or a mount point the guest does not have; VIR_ERR_ARGUMENT_UNSUPPORTED without an
  // agent channel; VIR_ERR_AGENT_UNRESPONSIVE when the agent does not answer.
  Result<int> FsFreeze(const std::vector<std::string>& mountpoints = {}, unsigned flags = 0) const;
  Result<int> FsThaw(const std::vector<std::string>& mountpoints = {}, unsigned flags = 0) const;
  // virDomainGetSecurityLabel: the domain's label under the connection's security model
  // (empty while it is shut off, and with the "none" model). Errors: VIR_ERR_NO_SUPPORT from
  // a driver that cannot tell.
  Result<SecurityLabel> GetSecurityLabel() const;
  Status Undefine(UndefineFlags flags = UndefineFlags::kNone) const;

  // virDomainCheckpointCreateXML: creates (or, with kRedefine, reinstates) a checkpoint from
  // a <domaincheckpoint> document. Errors: VIR_ERR_OPERATION_DENIED on a read-only
  // connection; VIR_ERR_INVALID_ARG for kRedefine with kQuiesce, kRedefineValidate without
  // kRedefine, or unknown bits; the XML layer's errors; the driver's.
  Result<Checkpoint> CheckpointCreateXml(
      std::string_view xml, CheckpointCreateFlags flags = CheckpointCreateFlags::kNone) const;
  // virDomainListAllCheckpoints: kRoots, kTopological, kLeaves, kNoLeaves.
  Result<std::vector<Checkpoint>> ListAllCheckpoints(
      CheckpointListFlags flags = CheckpointListFlags::kNone) const;
  // virDomainCheckpointLookupByName: flags must be 0; absent -> VIR_ERR_NO_DOMAIN_CHECKPOINT.
  Result<Checkpoint> CheckpointLookupByName(std::string_view name, unsigned flags = 0) const;
  // For a server decoding a checkpoint handle a client sent (libvirt's daemon does the same,
  // virGetDomainCheckpoint): checkpoint `name` of this domain, not looked up here; each call
  // on it fails with VIR_ERR_NO_DOMAIN_CHECKPOINT if there is none.
  Checkpoint CheckpointFromName(std::string name) const;

  // virDomainBackupBegin: starts a backup job (job model: backup.hpp) from a <domainbackup>
  // document — push (QEMU writes target files, full or incremental since any checkpoint) or
  // pull (QEMU exports each disk's point-in-time view over NBD). `checkpoint_xml`, unless
  // null (a default std::string_view), creates a checkpoint at the same instant, as
  // CheckpointCreateXml would. Returns once the job runs; on error nothing was left behind.
  // kReuseExternal: the target / scratch files exist already; they are used as they are and
  // never deleted. kPreserveShutdownDomain: a guest shutting down while the job runs pauses
  // the VM instead of ending QEMU (and the backup); the shutdown completes when the job ends.
  // Without it such a shutdown fails the backup ("domain 'x' stopped before ...").
  // Errors: VIR_ERR_INVALID_ARG (null backup_xml, unknown flag bits), VIR_ERR_OPERATION_DENIED
  // (read-only connection), the XML layer's, and the driver's: VIR_ERR_OPERATION_UNSUPPORTED
  // ("cannot perform disk backup for inactive domain"), VIR_ERR_OPERATION_INVALID ("another
  // backup job is already running"), VIR_ERR_CONFIG_UNSUPPORTED ("no disks selected for
  // backup"), VIR_ERR_NO_DOMAIN_CHECKPOINT (unknown incremental checkpoint),
  // VIR_ERR_CHECKPOINT_INCONSISTENT (its bitmap is missing or broken).
  Status BackupBegin(std::string_view backup_xml, std::string_view checkpoint_xml = {},
                     BackupBeginFlags flags = BackupBeginFlags::kNone) const;
  // virDomainBackupGetXMLDesc: the running job's <domainbackup>, with what was filled in
  // (file names, export names and bitmaps, the NBD port). flags must be 0. No job:
  // VIR_ERR_NO_DOMAIN_BACKUP "no domain backup job present".
  Result<std::string> BackupGetXmlDesc(unsigned flags = 0) const;
  // virDomainGetJobStats: the running job (type kNone when there is none; VIR_ERR_OPERATION_
  // INVALID "domain is not running" for a shut-off domain), or with kCompleted the last
  // completed one — none while a job runs, forgotten once read unless kKeepCompleted.
  Result<JobStats> GetJobStats(JobStatsFlags flags = JobStatsFlags::kNone) const;
  // virDomainAbortJob: cancels a push backup (its partial target files Cairn created are
  // removed) or ends a pull backup (reported as completed). As libvirt's, it returns once
  // QEMU's jobs are cancelled (a pull export stops serving first); the job then ends in the
  // background, so a GetJobStats just after may still see it running, and it has ended by
  // the time the connection is closed. Read-write only. No job:
  // VIR_ERR_OPERATION_INVALID "no job is active on the domain" ("domain is not running" for a
  // shut-off domain).
  Status AbortJob() const;

  // Cairn extension: the running backup job as values (backup_job_info.hpp) — its document
  // and, per disk, store, export, NBD URI and progress in bytes. A read-only connection
  // answers from the job's record as last written. Returns a copy the caller owns.
  // Errors: VIR_ERR_NO_DOMAIN_BACKUP "no domain backup job present"; VIR_ERR_NO_SUPPORT from
  // drivers that cannot describe a job (test:///default, a daemon connection: there,
  // DescribeBackupJob(BackupSpec::FromXml(BackupGetXmlDesc())) gives all but the progress).
  Result<BackupJobInfo> GetBackupJobInfo() const;

  // Cairn extension: waits until the domain's job is no longer running, polling
  // GetJobStats every `options.poll_interval`, and returns how it ended: the completed
  // job's statistics (GetJobStats(kCompleted | kKeepCompleted): type kCompleted, kFailed
  // with errmsg, or kCancelled); type kNone when the job ended unrecorded (the domain
  // stopped under it, or no job was running). The completed job is kept for a later look.
  // While it runs, `options.on_progress` (if set) gets each poll's statistics; once
  // `options.abort_requested` (if set) returns true, AbortJob is sent (once) and the wait
  // goes on until the job ended. Both run on the calling thread.
  // Errors: those of GetJobStats (a read-only connection never sends the abort: it waits).
  Result<JobStats> WaitForJob(const JobWaitOptions& options = {}) const;

  // Cairn extension: Checkpoint::CheckBitmaps for every checkpoint of the domain at once
  // (one look at the images), in unspecified order. VIR_ERR_NO_SUPPORT from drivers
  // without bitmaps.
  Result<std::vector<CheckpointBitmapReport>> CheckCheckpointBitmaps() const;
  // Cairn extension: whether a checkpoint change that a killed writer left unfinished (its
  // journal) awaits completion. Only a connection that may not complete it sees true: a
  // read-only one, or one without write access to the driver's state, or while another
  // writer is still under way. Its listings then already show the checkpoints as the next
  // call that may write (which completes the change) will leave them.
  // Returns: true when pending; false on drivers without journals (test:///default).
  // Errors: those of ListAllCheckpoints (the same look at the domain's checkpoint state).
  Result<bool> CheckpointRepairPending() const;

  const std::shared_ptr<api::ConnectionState>& connection_state() const { return conn_; }

 private:
  friend class Connection;
  friend class Checkpoint;
  friend struct api::Handles;
  Domain(std::shared_ptr<api::ConnectionState> conn, std::string name, std::string uuid, int id)
      : conn_(std::move(conn)), name_(std::move(name)), uuid_(std::move(uuid)), id_(id) {}

  std::shared_ptr<api::ConnectionState> conn_;
  std::string name_;
  std::string uuid_;
  int id_ = -1;
};

}  // namespace cairn
