// Public entry points on a domain: info, XML, lifecycle, and the checkpoint calls that
// take a domain (create, list, lookup). Contract checks first, then one driver call; unknown
// flag bits of the checkpoint calls are refused by the driver, as libvirt's virCheckFlags.
#include "cairn/domain.hpp"

#include <mutex>

#include "api/connection_state.hpp"
#include "api/entry_checks.hpp"
#include "cairn/checkpoint.hpp"

namespace cairn {
namespace {

constexpr ErrorDomain kDomainErr = ErrorDomain::kDomain;  // libvirt-domain.c
constexpr ErrorDomain kCheckpointErr = ErrorDomain::kDomainCheckpoint;

driver::DomainRef Ref(const Domain& d) { return {d.name(), d.uuid(), d.id()}; }

}  // namespace

Result<DomainInfo> Domain::GetInfo() const {
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->GetDomainInfo(Ref(*this));
}

Result<std::string> Domain::GetXmlDesc(DomainXmlFlags flags) const {
  constexpr unsigned kKnown = Bits(DomainXmlFlags::kSecure | DomainXmlFlags::kInactive);
  if (Status ok = api::RequireKnownFlags(Bits(flags), kKnown, "virDomainGetXMLDesc", kDomainErr);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (conn_->read_only && Has(flags, DomainXmlFlags::kSecure)) {
    return Fail(ErrorCode::kOperationDenied, kDomainErr, "virDomainGetXMLDesc with secure flag");
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->DomainGetXmlDesc(Ref(*this), Bits(flags));
}

Status Domain::Start() const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainCreate", kDomainErr); !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  Result<driver::DomainRef> r = conn_->driver->StartDomain(Ref(*this), 0);
  if (!r) return std::unexpected(r.error());
  return {};
}

Status Domain::Destroy() const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainDestroy", kDomainErr); !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->DestroyDomain(Ref(*this), 0);
}

Status Domain::Shutdown(ShutdownFlags flags) const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainShutdownFlags", kDomainErr);
      !ok) {
    return ok;
  }
  constexpr unsigned kKnown = Bits(ShutdownFlags::kAcpiPowerBtn | ShutdownFlags::kGuestAgent);
  if (Status ok = api::RequireKnownFlags(Bits(flags), kKnown, "virDomainShutdownFlags", kDomainErr);
      !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->ShutdownDomain(Ref(*this), Bits(flags));
}

Status Domain::Reboot(RebootFlags flags) const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainReboot", kDomainErr); !ok) {
    return ok;
  }
  constexpr unsigned kKnown = Bits(RebootFlags::kAcpiPowerBtn | RebootFlags::kGuestAgent);
  if (Status ok = api::RequireKnownFlags(Bits(flags), kKnown, "virDomainReboot", kDomainErr); !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->RebootDomain(Ref(*this), Bits(flags));
}

Status Domain::Suspend() const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainSuspend", kDomainErr); !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->SuspendDomain(Ref(*this));
}

Status Domain::Resume() const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainResume", kDomainErr); !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->ResumeDomain(Ref(*this));
}

Result<std::string> Domain::GetOsType() const {
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->DomainGetOsType(Ref(*this));
}

Result<int> Domain::FsFreeze(const std::vector<std::string>& mountpoints, unsigned flags) const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainFSFreeze", kDomainErr); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->FreezeFilesystems(Ref(*this), mountpoints, flags);
}

Result<int> Domain::FsThaw(const std::vector<std::string>& mountpoints, unsigned flags) const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainFSThaw", kDomainErr); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->ThawFilesystems(Ref(*this), mountpoints, flags);
}

Result<SecurityLabel> Domain::GetSecurityLabel() const {
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->DomainGetSecurityLabel(Ref(*this));
}

Status Domain::Undefine(UndefineFlags flags) const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainUndefineFlags", kDomainErr);
      !ok) {
    return ok;
  }
  if (Status ok = api::RequireKnownFlags(Bits(flags), Bits(UndefineFlags::kCheckpointsMetadata),
                                         "virDomainUndefineFlags", kDomainErr);
      !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->UndefineDomain(Ref(*this), Bits(flags));
}

Result<Checkpoint> Domain::CheckpointCreateXml(std::string_view xml,
                                               CheckpointCreateFlags flags) const {
  constexpr const char* kFn = "virDomainCheckpointCreateXML";
  const unsigned f = Bits(flags);
  const api::FlagName redefine{Bits(CheckpointCreateFlags::kRedefine),
                               "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE"};
  const api::FlagName quiesce{Bits(CheckpointCreateFlags::kQuiesce),
                              "VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE"};
  const api::FlagName validate{Bits(CheckpointCreateFlags::kRedefineValidate),
                               "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE"};
  Status ok = api::RequireNonNull(xml, "xmlDesc", kFn, kCheckpointErr);
  if (ok) ok = api::RequireWritable(conn_->read_only, kFn, kCheckpointErr);
  if (ok) ok = api::RequireExclusive(f, redefine, quiesce, kCheckpointErr);
  if (ok) ok = api::RequireFlagFor(f, redefine, validate, kCheckpointErr);
  if (!ok) return std::unexpected(ok.error());

  std::lock_guard lock(conn_->mutex);
  Result<std::string> name = conn_->driver->CheckpointCreateXml(Ref(*this), xml, f);
  if (!name) return std::unexpected(name.error());
  return Checkpoint(*this, std::move(*name));
}

Result<std::vector<Checkpoint>> Domain::ListAllCheckpoints(CheckpointListFlags flags) const {
  std::lock_guard lock(conn_->mutex);
  Result<std::vector<std::string>> names =
      conn_->driver->ListAllCheckpoints(Ref(*this), Bits(flags));
  if (!names) return std::unexpected(names.error());
  std::vector<Checkpoint> out;
  out.reserve(names->size());
  for (std::string& n : *names) out.push_back(Checkpoint(*this, std::move(n)));
  return out;
}

Result<Checkpoint> Domain::CheckpointLookupByName(std::string_view name, unsigned flags) const {
  constexpr const char* kFn = "virDomainCheckpointLookupByName";
  Status ok = api::RequireNonNull(name, "name", kFn, kCheckpointErr);
  if (!ok) return std::unexpected(ok.error());
  std::lock_guard lock(conn_->mutex);
  if (Status found = conn_->driver->CheckpointLookupByName(Ref(*this), name, flags); !found) {
    return std::unexpected(found.error());
  }
  return Checkpoint(*this, std::string(name));
}

Checkpoint Domain::CheckpointFromName(std::string name) const {
  return Checkpoint(*this, std::move(name));
}

Result<std::vector<CheckpointBitmapReport>> Domain::CheckCheckpointBitmaps() const {
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->CheckAllCheckpointBitmaps(Ref(*this));
}

Result<bool> Domain::CheckpointRepairPending() const {
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->CheckpointRepairPending(Ref(*this));
}

}  // namespace cairn
