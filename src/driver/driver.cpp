// Default Driver methods: everything a driver does not override is "not supported".
#include "driver/driver.hpp"

#include <fmt/format.h>

namespace cairn::driver {

bool MatchesListFlags(unsigned flags, bool active, bool persistent, bool has_checkpoints) {
  auto group = [flags](unsigned yes, unsigned no, bool value) {
    if ((flags & (yes | no)) == 0) return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
  };
  using F = ListDomainsFlags;
  return group(Bits(F::kActive), Bits(F::kInactive), active) &&
         group(Bits(F::kPersistent), Bits(F::kTransient), persistent) &&
         group(Bits(F::kHasCheckpoint), Bits(F::kNoCheckpoint), has_checkpoints);
}

Error Unsupported(std::string_view entry_point) {
  // libvirt raises it in the file of the entry point, whose error domain it carries.
  const ErrorDomain domain = entry_point.starts_with("virDomainCheckpoint")
                                 ? ErrorDomain::kDomainCheckpoint
                             : entry_point.starts_with("virDomain") ? ErrorDomain::kDomain
                                                                    : ErrorDomain::kNone;
  return Error(ErrorCode::kNoSupport, domain, std::string(entry_point));
}

Error UnsupportedFlags(unsigned flags, std::string_view function, ErrorDomain domain) {
  return Error(ErrorCode::kInvalidArg, domain,
               fmt::format("unsupported flags (0x{:x}) in function {}", flags, function),
               MessageForm::kBare);
}

Status RequireWritable(bool read_only, std::string_view function, ErrorDomain domain) {
  if (!read_only) return {};
  return Fail(ErrorCode::kOperationDenied, domain,
              fmt::format("read only access prevents {}", function));
}

Status CheckFlags(unsigned flags, unsigned accepted, std::string_view function,
                  ErrorDomain domain) {
  if (unsigned extra = flags & ~accepted) {
    return std::unexpected(UnsupportedFlags(extra, function, domain));
  }
  return {};
}

Status Driver::Close() { return {}; }

Result<std::unique_ptr<Driver>> Driver::ClientView(bool) {
  return std::unexpected(Unsupported("virConnectOpen"));
}

Result<std::vector<DomainRef>> Driver::ListDomains(unsigned) {
  return std::unexpected(Unsupported("virConnectListAllDomains"));
}
Result<DomainRef> Driver::LookupDomainByName(std::string_view) {
  return std::unexpected(Unsupported("virDomainLookupByName"));
}
Result<DomainRef> Driver::LookupDomainByUuid(std::string_view) {
  return std::unexpected(Unsupported("virDomainLookupByUUIDString"));
}
Result<DomainRef> Driver::LookupDomainById(int) {
  return std::unexpected(Unsupported("virDomainLookupByID"));
}
Result<DomainInfo> Driver::GetDomainInfo(const DomainRef&) {
  return std::unexpected(Unsupported("virDomainGetInfo"));
}
Result<std::string> Driver::DomainGetXmlDesc(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainGetXMLDesc"));
}
Result<DomainRef> Driver::DefineDomainXml(std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainDefineXMLFlags"));
}
Status Driver::UndefineDomain(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainUndefineFlags"));
}
Result<DomainRef> Driver::StartDomain(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainCreateWithFlags"));
}
Status Driver::DestroyDomain(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainDestroyFlags"));
}
Status Driver::ShutdownDomain(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainShutdownFlags"));
}
Status Driver::RebootDomain(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainReboot"));
}
Status Driver::SuspendDomain(const DomainRef&) {
  return std::unexpected(Unsupported("virDomainSuspend"));
}
Status Driver::ResumeDomain(const DomainRef&) {
  return std::unexpected(Unsupported("virDomainResume"));
}
Result<std::string> Driver::DomainGetOsType(const DomainRef&) {
  return std::unexpected(Unsupported("virDomainGetOSType"));
}
Result<int> Driver::FreezeFilesystems(const DomainRef&, const std::vector<std::string>&,
                                      unsigned) {
  return std::unexpected(Unsupported("virDomainFSFreeze"));
}
Result<int> Driver::ThawFilesystems(const DomainRef&, const std::vector<std::string>&, unsigned) {
  return std::unexpected(Unsupported("virDomainFSThaw"));
}
Result<unsigned long> Driver::HypervisorVersion() {
  return std::unexpected(Unsupported("virConnectGetVersion"));
}
Result<std::string> Driver::CheckpointCreateXml(const DomainRef&, std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainCheckpointCreateXML"));
}
Result<std::string> Driver::CheckpointGetXmlDesc(const DomainRef&, std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainCheckpointGetXMLDesc"));
}
Result<std::vector<std::string>> Driver::ListAllCheckpoints(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainListAllCheckpoints"));
}
Result<std::vector<std::string>> Driver::CheckpointListAllChildren(const DomainRef&,
                                                                   std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainCheckpointListAllChildren"));
}
Status Driver::CheckpointLookupByName(const DomainRef&, std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainCheckpointLookupByName"));
}
Result<std::string> Driver::CheckpointGetParent(const DomainRef&, std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainCheckpointGetParent"));
}
Status Driver::CheckpointDelete(const DomainRef&, std::string_view, unsigned) {
  return std::unexpected(Unsupported("virDomainCheckpointDelete"));
}
Result<std::vector<CheckpointBitmapState>> Driver::CheckpointCheckBitmaps(const DomainRef&,
                                                                          std::string_view) {
  return std::unexpected(Unsupported("cairnDomainCheckpointCheckBitmaps"));
}
Result<std::vector<CheckpointBitmapReport>> Driver::CheckAllCheckpointBitmaps(const DomainRef&) {
  return std::unexpected(Unsupported("cairnDomainCheckCheckpointBitmaps"));
}
Result<bool> Driver::CheckpointRepairPending(const DomainRef&) { return false; }
Status Driver::BackupBegin(const DomainRef&, std::string_view, const std::optional<std::string>&,
                           unsigned) {
  return std::unexpected(Unsupported("virDomainBackupBegin"));
}
Result<std::string> Driver::BackupGetXmlDesc(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainBackupGetXMLDesc"));
}
Result<JobStats> Driver::GetJobStats(const DomainRef&, unsigned) {
  return std::unexpected(Unsupported("virDomainGetJobStats"));
}
Status Driver::AbortJob(const DomainRef&) {
  return std::unexpected(Unsupported("virDomainAbortJob"));
}
Result<std::unique_ptr<JobEventSubscription>> Driver::SubscribeJobEvents(
    const std::optional<DomainRef>&, JobEventCallback) {
  return std::unexpected(Unsupported("virConnectDomainEventRegisterAny"));
}

Result<BackupJobInfo> Driver::GetBackupJobInfo(const DomainRef&) {
  return std::unexpected(Unsupported("Domain::GetBackupJobInfo"));
}

Result<SecurityModel> Driver::GetSecurityModel() {
  return std::unexpected(Unsupported("virNodeGetSecurityModel"));
}

Result<SecurityLabel> Driver::DomainGetSecurityLabel(const DomainRef&) {
  return std::unexpected(Unsupported("virDomainGetSecurityLabel"));
}

}  // namespace cairn::driver
