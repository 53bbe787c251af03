// Compile-time ties between the C API's values (cairn/virt.h, libvirt's numbers) and the C++
// API's (flags.hpp, error.hpp, job_stats.hpp): the shim converts with a
// cast, so a value that drifts on either side must fail the build, not a user's call.
// Nothing here runs.
#include "cairn/error.hpp"
#include "cairn/flags.hpp"
#include "cairn/job_stats.hpp"
#include "cairn/virt.h"

namespace cairn::capi {
namespace {

template <typename E>
constexpr long long V(E e) {
  return static_cast<long long>(e);
}

// ConnectFlags
static_assert(V(ConnectFlags::kReadOnly) == VIR_CONNECT_RO);
// CheckpointCreateFlags
static_assert(V(CheckpointCreateFlags::kRedefine) == VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE);
static_assert(V(CheckpointCreateFlags::kQuiesce) == VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE);
static_assert(V(CheckpointCreateFlags::kRedefineValidate) == VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE);
// CheckpointXmlFlags
static_assert(V(CheckpointXmlFlags::kSecure) == VIR_DOMAIN_CHECKPOINT_XML_SECURE);
static_assert(V(CheckpointXmlFlags::kNoDomain) == VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN);
static_assert(V(CheckpointXmlFlags::kSize) == VIR_DOMAIN_CHECKPOINT_XML_SIZE);
// CheckpointListFlags
static_assert(V(CheckpointListFlags::kRoots) == VIR_DOMAIN_CHECKPOINT_LIST_ROOTS);
static_assert(V(CheckpointListFlags::kDescendants) == VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS);
static_assert(V(CheckpointListFlags::kTopological) == VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL);
static_assert(V(CheckpointListFlags::kLeaves) == VIR_DOMAIN_CHECKPOINT_LIST_LEAVES);
static_assert(V(CheckpointListFlags::kNoLeaves) == VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES);
// CheckpointDeleteFlags
static_assert(V(CheckpointDeleteFlags::kChildren) == VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN);
static_assert(V(CheckpointDeleteFlags::kMetadataOnly) == VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY);
static_assert(V(CheckpointDeleteFlags::kChildrenOnly) == VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY);
// ListDomainsFlags
static_assert(V(ListDomainsFlags::kActive) == VIR_CONNECT_LIST_DOMAINS_ACTIVE);
static_assert(V(ListDomainsFlags::kInactive) == VIR_CONNECT_LIST_DOMAINS_INACTIVE);
static_assert(V(ListDomainsFlags::kPersistent) == VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
static_assert(V(ListDomainsFlags::kTransient) == VIR_CONNECT_LIST_DOMAINS_TRANSIENT);
static_assert(V(ListDomainsFlags::kHasCheckpoint) == VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT);
static_assert(V(ListDomainsFlags::kNoCheckpoint) == VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT);
// UndefineFlags
static_assert(V(UndefineFlags::kCheckpointsMetadata) == VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA);
// ShutdownFlags
static_assert(V(ShutdownFlags::kDefault) == VIR_DOMAIN_SHUTDOWN_DEFAULT);
static_assert(V(ShutdownFlags::kAcpiPowerBtn) == VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN);
static_assert(V(ShutdownFlags::kGuestAgent) == VIR_DOMAIN_SHUTDOWN_GUEST_AGENT);
// RebootFlags
static_assert(V(RebootFlags::kDefault) == VIR_DOMAIN_REBOOT_DEFAULT);
static_assert(V(RebootFlags::kAcpiPowerBtn) == VIR_DOMAIN_REBOOT_ACPI_POWER_BTN);
static_assert(V(RebootFlags::kGuestAgent) == VIR_DOMAIN_REBOOT_GUEST_AGENT);
// DomainXmlFlags
static_assert(V(DomainXmlFlags::kSecure) == VIR_DOMAIN_XML_SECURE);
static_assert(V(DomainXmlFlags::kInactive) == VIR_DOMAIN_XML_INACTIVE);
// BackupBeginFlags
static_assert(V(BackupBeginFlags::kReuseExternal) == VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL);
static_assert(V(BackupBeginFlags::kPreserveShutdownDomain) == VIR_DOMAIN_BACKUP_BEGIN_PRESERVE_SHUTDOWN_DOMAIN);
// JobStatsFlags
static_assert(V(JobStatsFlags::kCompleted) == VIR_DOMAIN_JOB_STATS_COMPLETED);
static_assert(V(JobStatsFlags::kKeepCompleted) == VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED);
// JobType
static_assert(V(JobType::kNone) == VIR_DOMAIN_JOB_NONE);
static_assert(V(JobType::kBounded) == VIR_DOMAIN_JOB_BOUNDED);
static_assert(V(JobType::kUnbounded) == VIR_DOMAIN_JOB_UNBOUNDED);
static_assert(V(JobType::kCompleted) == VIR_DOMAIN_JOB_COMPLETED);
static_assert(V(JobType::kFailed) == VIR_DOMAIN_JOB_FAILED);
static_assert(V(JobType::kCancelled) == VIR_DOMAIN_JOB_CANCELLED);
// JobOperation
static_assert(V(JobOperation::kUnknown) == VIR_DOMAIN_JOB_OPERATION_UNKNOWN);
static_assert(V(JobOperation::kStart) == VIR_DOMAIN_JOB_OPERATION_START);
static_assert(V(JobOperation::kSave) == VIR_DOMAIN_JOB_OPERATION_SAVE);
static_assert(V(JobOperation::kRestore) == VIR_DOMAIN_JOB_OPERATION_RESTORE);
static_assert(V(JobOperation::kMigrationIn) == VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN);
static_assert(V(JobOperation::kMigrationOut) == VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
static_assert(V(JobOperation::kSnapshot) == VIR_DOMAIN_JOB_OPERATION_SNAPSHOT);
static_assert(V(JobOperation::kSnapshotRevert) == VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_REVERT);
static_assert(V(JobOperation::kDump) == VIR_DOMAIN_JOB_OPERATION_DUMP);
static_assert(V(JobOperation::kBackup) == VIR_DOMAIN_JOB_OPERATION_BACKUP);

// Error codes and domains.
static_assert(V(ErrorCode::kInternalError) == VIR_ERR_INTERNAL_ERROR);
static_assert(V(ErrorCode::kNoMemory) == VIR_ERR_NO_MEMORY);
static_assert(V(ErrorCode::kNoSupport) == VIR_ERR_NO_SUPPORT);
static_assert(V(ErrorCode::kNoConnect) == VIR_ERR_NO_CONNECT);
static_assert(V(ErrorCode::kInvalidConn) == VIR_ERR_INVALID_CONN);
static_assert(V(ErrorCode::kInvalidDomain) == VIR_ERR_INVALID_DOMAIN);
static_assert(V(ErrorCode::kInvalidArg) == VIR_ERR_INVALID_ARG);
static_assert(V(ErrorCode::kOperationFailed) == VIR_ERR_OPERATION_FAILED);
static_assert(V(ErrorCode::kXmlError) == VIR_ERR_XML_ERROR);
static_assert(V(ErrorCode::kDomExist) == VIR_ERR_DOM_EXIST);
static_assert(V(ErrorCode::kOperationDenied) == VIR_ERR_OPERATION_DENIED);
static_assert(V(ErrorCode::kOpenFailed) == VIR_ERR_OPEN_FAILED);
static_assert(V(ErrorCode::kReadFailed) == VIR_ERR_READ_FAILED);
static_assert(V(ErrorCode::kParseFailed) == VIR_ERR_PARSE_FAILED);
static_assert(V(ErrorCode::kWriteFailed) == VIR_ERR_WRITE_FAILED);
static_assert(V(ErrorCode::kXmlDetail) == VIR_ERR_XML_DETAIL);
static_assert(V(ErrorCode::kSystemError) == VIR_ERR_SYSTEM_ERROR);
static_assert(V(ErrorCode::kRpc) == VIR_ERR_RPC);
static_assert(V(ErrorCode::kNoDomain) == VIR_ERR_NO_DOMAIN);
static_assert(V(ErrorCode::kAuthFailed) == VIR_ERR_AUTH_FAILED);
static_assert(V(ErrorCode::kOperationInvalid) == VIR_ERR_OPERATION_INVALID);
static_assert(V(ErrorCode::kConfigUnsupported) == VIR_ERR_CONFIG_UNSUPPORTED);
static_assert(V(ErrorCode::kOperationTimeout) == VIR_ERR_OPERATION_TIMEOUT);
static_assert(V(ErrorCode::kInvalidDomainSnapshot) == VIR_ERR_INVALID_DOMAIN_SNAPSHOT);
static_assert(V(ErrorCode::kNoDomainSnapshot) == VIR_ERR_NO_DOMAIN_SNAPSHOT);
static_assert(V(ErrorCode::kArgumentUnsupported) == VIR_ERR_ARGUMENT_UNSUPPORTED);
static_assert(V(ErrorCode::kOperationAborted) == VIR_ERR_OPERATION_ABORTED);
static_assert(V(ErrorCode::kOverflow) == VIR_ERR_OVERFLOW);
static_assert(V(ErrorCode::kOperationUnsupported) == VIR_ERR_OPERATION_UNSUPPORTED);
static_assert(V(ErrorCode::kAgentUnresponsive) == VIR_ERR_AGENT_UNRESPONSIVE);
static_assert(V(ErrorCode::kResourceBusy) == VIR_ERR_RESOURCE_BUSY);
static_assert(V(ErrorCode::kXmlInvalidSchema) == VIR_ERR_XML_INVALID_SCHEMA);
static_assert(V(ErrorCode::kDeviceMissing) == VIR_ERR_DEVICE_MISSING);
static_assert(V(ErrorCode::kInvalidDomainCheckpoint) == VIR_ERR_INVALID_DOMAIN_CHECKPOINT);
static_assert(V(ErrorCode::kNoDomainCheckpoint) == VIR_ERR_NO_DOMAIN_CHECKPOINT);
static_assert(V(ErrorCode::kNoDomainBackup) == VIR_ERR_NO_DOMAIN_BACKUP);
static_assert(V(ErrorCode::kCheckpointInconsistent) == VIR_ERR_CHECKPOINT_INCONSISTENT);
static_assert(V(ErrorDomain::kNone) == VIR_FROM_NONE);
static_assert(V(ErrorDomain::kXml) == VIR_FROM_XML);
static_assert(V(ErrorDomain::kDom) == VIR_FROM_DOM);
static_assert(V(ErrorDomain::kRpc) == VIR_FROM_RPC);
static_assert(V(ErrorDomain::kConf) == VIR_FROM_CONF);
static_assert(V(ErrorDomain::kQemu) == VIR_FROM_QEMU);
static_assert(V(ErrorDomain::kTest) == VIR_FROM_TEST);
static_assert(V(ErrorDomain::kRemote) == VIR_FROM_REMOTE);
static_assert(V(ErrorDomain::kStorage) == VIR_FROM_STORAGE);
static_assert(V(ErrorDomain::kDomain) == VIR_FROM_DOMAIN);
static_assert(V(ErrorDomain::kSecurity) == VIR_FROM_SECURITY);
static_assert(V(ErrorDomain::kUri) == VIR_FROM_URI);
static_assert(V(ErrorDomain::kDomainCheckpoint) == VIR_FROM_DOMAIN_CHECKPOINT);

}  // namespace
}  // namespace cairn::capi
