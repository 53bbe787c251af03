// Driver: the seam between the public API and a hypervisor. src/api has already enforced
// every rule of the contract (arguments, read-only connections, flag combinations, unknown
// bits); a driver only does the work, or says what it cannot do. Every default method
// fails with VIR_ERR_NO_SUPPORT naming the public entry point, like libvirt's
// virReportUnsupportedError. Everything crossing it is a value that could cross a socket:
// domains are identified by value (DomainRef), never by a pointer into the driver; optional
// documents are std::optional; flags are `unsigned` holding the bits of cairn/flags.hpp (the
// public enums' values, which are libvirt's), never bits of a driver's own.
//
// Thread rule: calls on one Driver are serialised by its caller (src/api holds the
// connection's lock around each one); a driver need not be thread-safe for them. But a driver
// and the client views made from it (ClientView, for a server's clients) are called
// concurrently, each view by its own client: a driver that makes views makes that safe (the
// qemu driver serialises what changes a domain on the domain's lock, as libvirt's job lock).
// A job-event subscription's callback runs on a thread of the driver's, concurrently with
// those calls, and must not call back into the same Driver.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/checkpoint_bitmaps.hpp"
#include "cairn/domain_info.hpp"
#include "cairn/error.hpp"
#include "cairn/flags.hpp"
#include "cairn/job_stats.hpp"
#include "cairn/backup_job_info.hpp"
#include "cairn/security.hpp"

namespace cairn::driver {

// Who the daemon serving a connection runs as (cairn/daemon_peer.hpp's, as a driver value).
struct PeerCredentials {
  uid_t uid = 0;
  gid_t gid = 0;
};

// What a handle needs to find its domain again.
struct DomainRef {
  std::string name;
  std::string uuid;  // canonical lower-case 8-4-4-4-12 form
  int id = -1;       // -1 while the domain is not running
};

using cairn::CheckpointBitmapReport;
using cairn::CheckpointBitmapState;
using cairn::DomainInfo;
using cairn::DomainState;

// One completed job (ended in success, failure or cancellation, as VIR_DOMAIN_JOB_STATS_COMPLETED
// reports it): its domain, and how it ended (JobStats.sequence names it, where the driver
// numbers jobs).
struct JobCompletedEvent {
  DomainRef domain;
  JobStats stats;
};
using JobEventCallback = std::function<void(const JobCompletedEvent& event)>;

// A live subscription to job events (Driver::SubscribeJobEvents). Destroying it ends the
// subscription: when the destructor returns, its callback is not running and is not called
// again. It must not be destroyed from inside its own callback. It must not outlive the Driver
// that made it.
class JobEventSubscription {
 public:
  virtual ~JobEventSubscription() = default;
};

class Driver {
 public:
  virtual ~Driver() = default;

  // Ends the connection to the hypervisor (remote: CONNECT_CLOSE). Called once, before the
  // driver is destroyed; no call follows it. Default: nothing to release.
  virtual Status Close();

  // For a server that owns this driver's state and serves many clients with it (cairnd): a
  // driver for one client, on the same state and sharing what this one keeps between calls
  // (the qemu driver: one QMP monitor per running domain, one job-event source), read-only
  // if asked. From the first view on, this driver keeps those. Safe to call from any thread,
  // concurrently with calls on this driver and its views.
  // Default: VIR_ERR_NO_SUPPORT.
  virtual Result<std::unique_ptr<Driver>> ClientView(bool read_only);

  // The hypervisor's name as virsh shows it ("Test", "QEMU") and the canonical URI.
  virtual std::string_view Type() const = 0;
  virtual std::string Uri() const = 0;
  // The daemon serving this connection (cairn/daemon_peer.hpp); fixed once the driver is
  // open. Default: none (an in-process driver).
  virtual std::optional<PeerCredentials> Peer() const { return std::nullopt; }

  // Domains.
  virtual Result<std::vector<DomainRef>> ListDomains(unsigned flags);
  virtual Result<DomainRef> LookupDomainByName(std::string_view name);
  virtual Result<DomainRef> LookupDomainByUuid(std::string_view uuid);
  virtual Result<DomainRef> LookupDomainById(int id);
  virtual Result<DomainInfo> GetDomainInfo(const DomainRef& dom);
  virtual Result<std::string> DomainGetXmlDesc(const DomainRef& dom, unsigned flags);
  virtual Result<DomainRef> DefineDomainXml(std::string_view xml, unsigned flags);
  virtual Status UndefineDomain(const DomainRef& dom, unsigned flags);
  virtual Result<DomainRef> StartDomain(const DomainRef& dom, unsigned flags);
  virtual Status DestroyDomain(const DomainRef& dom, unsigned flags);
  virtual Status ShutdownDomain(const DomainRef& dom, unsigned flags);
  virtual Status RebootDomain(const DomainRef& dom, unsigned flags);
  virtual Status SuspendDomain(const DomainRef& dom);
  virtual Status ResumeDomain(const DomainRef& dom);
  virtual Result<std::string> DomainGetOsType(const DomainRef& dom);
  // virDomainFSFreeze / virDomainFSThaw: the guest filesystems mounted at `mountpoints` (all
  // when empty) frozen / thawed; how many changed.
  virtual Result<int> FreezeFilesystems(const DomainRef& dom,
                                        const std::vector<std::string>& mountpoints,
                                        unsigned flags);
  virtual Result<int> ThawFilesystems(const DomainRef& dom,
                                      const std::vector<std::string>& mountpoints, unsigned flags);
  // virConnectGetVersion's encoding: major * 1000000 + minor * 1000 + micro.
  virtual Result<unsigned long> HypervisorVersion();

  // Checkpoints. Names returned are checkpoint names of `dom`.
  virtual Result<std::string> CheckpointCreateXml(const DomainRef& dom, std::string_view xml,
                                                  unsigned flags);
  virtual Result<std::string> CheckpointGetXmlDesc(const DomainRef& dom, std::string_view name,
                                                   unsigned flags);
  virtual Result<std::vector<std::string>> ListAllCheckpoints(const DomainRef& dom, unsigned flags);
  virtual Result<std::vector<std::string>> CheckpointListAllChildren(const DomainRef& dom,
                                                                     std::string_view name,
                                                                     unsigned flags);
  virtual Status CheckpointLookupByName(const DomainRef& dom, std::string_view name,
                                        unsigned flags);
  virtual Result<std::string> CheckpointGetParent(const DomainRef& dom, std::string_view name,
                                                  unsigned flags);
  virtual Status CheckpointDelete(const DomainRef& dom, std::string_view name, unsigned flags);
  virtual Result<std::vector<CheckpointBitmapState>> CheckpointCheckBitmaps(const DomainRef& dom,
                                                                            std::string_view name);
  virtual Result<std::vector<CheckpointBitmapReport>> CheckAllCheckpointBitmaps(
      const DomainRef& dom);
  // Whether this connection sees `dom`'s checkpoints as a pending repair will leave them
  // (a journal it may not replay). Default: false, for drivers without journals.
  virtual Result<bool> CheckpointRepairPending(const DomainRef& dom);

  // Backup jobs (job model: cairn/backup.hpp; values: cairn/job_stats.hpp). No
  // `checkpoint_xml`: the backup creates no checkpoint. GetJobStats takes JobStatsFlags bits.
  virtual Status BackupBegin(const DomainRef& dom, std::string_view backup_xml,
                             const std::optional<std::string>& checkpoint_xml, unsigned flags);
  virtual Result<std::string> BackupGetXmlDesc(const DomainRef& dom, unsigned flags);
  virtual Result<JobStats> GetJobStats(const DomainRef& dom, unsigned flags);
  virtual Status AbortJob(const DomainRef& dom);
  // Job-completed events: calls `callback` once for every job of `dom` (nullopt: of every
  // domain) that ends after this call returns, with GetJobStats(kCompleted)'s values, in the
  // order a domain's jobs end, even when several end close together. Callbacks come on a
  // thread of the driver's, one at a time per subscription; they must return quickly and
  // not call into this Driver (src/api queues them for its own thread). How a driver learns
  // of a job's end is its own: the qemu driver hears QEMU's job events on a monitor of its
  // own, the remote driver the daemon's pushed VIR_DOMAIN_EVENT_ID_JOB_COMPLETED.
  // Returns the subscription, which unsubscribes when destroyed. Default: VIR_ERR_NO_SUPPORT.
  virtual Result<std::unique_ptr<JobEventSubscription>> SubscribeJobEvents(
      const std::optional<DomainRef>& dom, JobEventCallback callback);
  // The running backup job with per-disk progress (cairn/backup_job_info.hpp); no job:
  // VIR_ERR_NO_DOMAIN_BACKUP.
  virtual Result<BackupJobInfo> GetBackupJobInfo(const DomainRef& dom);
  // virNodeGetSecurityModel / virDomainGetSecurityLabel (cairn/security.hpp).
  virtual Result<SecurityModel> GetSecurityModel();
  virtual Result<SecurityLabel> DomainGetSecurityLabel(const DomainRef& dom);
};

// Whether a domain passes virConnectListAllDomains' filter groups (active/inactive,
// persistent/transient, has/no checkpoint); a group with no bit set filters nothing.
bool MatchesListFlags(unsigned flags, bool active, bool persistent, bool has_checkpoints);

// The error a driver returns for an entry point it does not implement.
Error Unsupported(std::string_view entry_point);

// The error for flag bits a driver does not accept ("unsupported flags (0x4) in function X");
// `flags` is only the refused bits, as libvirt's virCheckFlags reports them: VIR_ERR_INVALID_ARG,
// bare message, from the driver's error domain (VIR_FROM_TEST, VIR_FROM_QEMU).
Error UnsupportedFlags(unsigned flags, std::string_view function,
                       ErrorDomain domain = ErrorDomain::kNone);

// A driver opened read-only refuses whatever would change state (or show secrets), as the
// public API does first: VIR_ERR_OPERATION_DENIED "read only access prevents FUNCTION".
Status RequireWritable(bool read_only, std::string_view function, ErrorDomain domain);

// libvirt's virCheckFlags, as every driver entry point starts: refuses the bits of `flags`
// outside `accepted`, naming the driver function ("testDomainCheckpointDelete").
Status CheckFlags(unsigned flags, unsigned accepted, std::string_view function,
                  ErrorDomain domain);

}  // namespace cairn::driver
