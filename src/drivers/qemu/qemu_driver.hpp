// The qemu driver: domains are QEMU processes and qcow2 images under a state root
// (qemu:///embed?root=DIR, in-process; cairnd serves qemu:///session and qemu:///system with
// one of these on its own root; layout in state_layout.hpp).
// The driver keeps no state of its own between calls: every call reads the root, so any
// number of cairn processes see one truth, and each change takes the domain's lock.
// Checkpoints are persistent dirty bitmaps, one per checkpointed disk, named after the
// checkpoint; on a running domain they are changed over QMP, on a shut-off domain offline
// in the image files. Every call works through one DomainSession (domain_session.hpp);
// checkpoints come into being through CheckpointCreation (checkpoint_creation.hpp).
// A server's driver (cairnd, ClientView) is the one exception: it keeps each running domain's
// QMP monitor open (kept_monitors.hpp) and one job-event source for every subscription
// (job_event_fanout.hpp), shared with the views of its clients, which it may do because the
// server owns its root. Every writable driver answers an abort once QEMU's jobs are
// cancelled and ends the job from a thread of its own (abort_finisher.hpp), as libvirt does;
// the thread lives as long as the driver and finishes its work before it goes.
// Thread rule: calls of one driver are serialised by its caller; calls of different drivers
// (views or not) run concurrently, serialised per domain by its lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "driver/driver.hpp"
#include "driver/uri.hpp"
#include "drivers/qemu/qemu_driver_options.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

class AbortFinisher;
class JobEventFanOut;
class KeptMonitors;

// Opens a qemu URI. embed needs an absolute root= ("qemu:///embed?root=/var/tmp/vms"), and
// takes the driver's options as further parameters (qemu_driver_options.hpp);
// session lives in $XDG_STATE_HOME/cairn (or ~/.local/state/cairn); system in /var/lib/cairn.
Result<std::unique_ptr<driver::Driver>> OpenQemuDriver(const driver::ConnectUri& uri,
                                                       bool read_only);

class QemuDriver : public driver::Driver {
 public:
  // `read_only`: a connection that only reads. Its calls take no lock and write nothing:
  // a backup job is reported as last recorded, never settled or rolled back by a look.
  QemuDriver(std::string uri, StateLayout layout, bool read_only = false,
             QemuDriverOptions options = {});
  ~QemuDriver() override;

  Result<std::unique_ptr<driver::Driver>> ClientView(bool read_only) override;

  std::string_view Type() const override { return "QEMU"; }
  std::string Uri() const override { return uri_; }
  const StateLayout& layout() const { return layout_; }
  const QemuDriverOptions& options() const { return options_; }

  Result<std::vector<driver::DomainRef>> ListDomains(unsigned flags) override;
  Result<driver::DomainRef> LookupDomainByName(std::string_view name) override;
  Result<driver::DomainRef> LookupDomainByUuid(std::string_view uuid) override;
  Result<driver::DomainRef> LookupDomainById(int id) override;
  Result<DomainInfo> GetDomainInfo(const driver::DomainRef& dom) override;
  Result<std::string> DomainGetXmlDesc(const driver::DomainRef& dom, unsigned flags) override;
  Result<driver::DomainRef> DefineDomainXml(std::string_view xml, unsigned flags) override;
  Status UndefineDomain(const driver::DomainRef& dom, unsigned flags) override;
  Result<driver::DomainRef> StartDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status DestroyDomain(const driver::DomainRef& dom, unsigned flags) override;
  // Lifecycle (qemu_lifecycle.cpp): system_powerdown, stop, cont.
  Status ShutdownDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status RebootDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status SuspendDomain(const driver::DomainRef& dom) override;
  Status ResumeDomain(const driver::DomainRef& dom) override;
  // The definition's <os><type> ("hvm" when absent, as libvirt defaults it).
  Result<std::string> DomainGetOsType(const driver::DomainRef& dom) override;
  Result<int> FreezeFilesystems(const driver::DomainRef& dom,
                                const std::vector<std::string>& mountpoints,
                                unsigned flags) override;
  Result<int> ThawFilesystems(const driver::DomainRef& dom,
                              const std::vector<std::string>& mountpoints,
                              unsigned flags) override;
  Result<SecurityModel> GetSecurityModel() override;
  Result<SecurityLabel> DomainGetSecurityLabel(const driver::DomainRef& dom) override;
  // The default emulator's version (qemu_version.hpp).
  Result<unsigned long> HypervisorVersion() override;

  Result<std::string> CheckpointCreateXml(const driver::DomainRef& dom, std::string_view xml,
                                          unsigned flags) override;
  Result<std::string> CheckpointGetXmlDesc(const driver::DomainRef& dom, std::string_view name,
                                           unsigned flags) override;
  Result<std::vector<std::string>> ListAllCheckpoints(const driver::DomainRef& dom,
                                                      unsigned flags) override;
  Result<std::vector<std::string>> CheckpointListAllChildren(const driver::DomainRef& dom,
                                                             std::string_view name,
                                                             unsigned flags) override;
  Status CheckpointLookupByName(const driver::DomainRef& dom, std::string_view name,
                                unsigned flags) override;
  Result<std::string> CheckpointGetParent(const driver::DomainRef& dom, std::string_view name,
                                          unsigned flags) override;
  Status CheckpointDelete(const driver::DomainRef& dom, std::string_view name,
                          unsigned flags) override;

  // Backups (qemu_backups.cpp; the job lives in ROOT/run/NAME/backup.xml, see
  // backup_job.hpp and backup_begin.hpp).
  Status BackupBegin(const driver::DomainRef& dom, std::string_view backup_xml,
                     const std::optional<std::string>& checkpoint_xml, unsigned flags) override;
  Result<std::string> BackupGetXmlDesc(const driver::DomainRef& dom, unsigned flags) override;
  Result<JobStats> GetJobStats(const driver::DomainRef& dom, unsigned flags) override;
  Status AbortJob(const driver::DomainRef& dom) override;
  Result<std::unique_ptr<driver::JobEventSubscription>> SubscribeJobEvents(
      const std::optional<driver::DomainRef>& dom, driver::JobEventCallback callback) override;
  // The domain's recently completed jobs, oldest first (as GetJobStats(kCompleted) gave each),
  // after bringing the running one up to date: what the job-event source reports from. With
  // `tidy_up_later`, a look that finds the job ended records its outcome and stops there
  // (BackupJob::TidyUpLater), so that it is reported at once; `tidy_up_pending` then says
  // TidyUpBackupJob() is due.
  struct CompletedJobsLook {
    std::vector<JobStats> jobs;
    bool tidy_up_pending = false;
  };
  Result<CompletedJobsLook> CompletedJobs(const driver::DomainRef& dom, bool tidy_up_later = false);
  // A look at the domain's job, which ends a job QEMU is done with and finishes the end a
  // look with `tidy_up_later` left. Returns whether a job still runs.
  Result<bool> LookAtBackupJob(const driver::DomainRef& dom);
  Result<BackupJobInfo> GetBackupJobInfo(const driver::DomainRef& dom) override;
  Result<std::vector<CheckpointBitmapState>> CheckpointCheckBitmaps(const driver::DomainRef& dom,
                                                                    std::string_view name) override;
  Result<std::vector<CheckpointBitmapReport>> CheckAllCheckpointBitmaps(
      const driver::DomainRef& dom) override;
  Result<bool> CheckpointRepairPending(const driver::DomainRef& dom) override;

 private:
  // What a driver shares with its views (a server's, from ClientView): the monitors and job
  // events are null until the first view (and always, for an embedded driver); the abort
  // finisher until the first abort.
  struct Served {
    std::shared_ptr<KeptMonitors> monitors;  // held: the root's monitors stay kept
    std::shared_ptr<JobEventFanOut> job_events;
    std::shared_ptr<AbortFinisher> aborts;
  };
  // The thread that ends aborted jobs, started on first use; a server's views share it.
  std::shared_ptr<AbortFinisher> Aborts();
  std::shared_ptr<AbortFinisher> AbortsLocked();  // served_mutex_ held
  QemuDriver(std::string uri, StateLayout layout, bool read_only, QemuDriverOptions options,
             Served served);

  std::string uri_;
  StateLayout layout_;
  bool read_only_ = false;
  QemuDriverOptions options_;
  std::mutex served_mutex_;  // ClientView may come from any thread
  Served served_;
};

}  // namespace cairn::drivers::qemu
