// Public entry points on a checkpoint: XML, parent, children, delete. As in libvirt, unknown
// flag bits are the driver's to refuse (with the driver's function name and error domain).
#include "cairn/checkpoint.hpp"

#include <mutex>

#include "api/connection_state.hpp"
#include "api/entry_checks.hpp"

namespace cairn {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kDomainCheckpoint;

driver::DomainRef Ref(const Domain& d) { return {d.name(), d.uuid(), d.id()}; }

}  // namespace

Result<std::string> Checkpoint::GetXmlDesc(CheckpointXmlFlags flags) const {
  const auto& conn = domain_.connection_state();
  if (conn->read_only && Has(flags, CheckpointXmlFlags::kSecure)) {
    return Fail(ErrorCode::kOperationDenied, kErr,
                "virDomainCheckpointGetXMLDesc with secure flag");
  }
  std::lock_guard lock(conn->mutex);
  return conn->driver->CheckpointGetXmlDesc(Ref(domain_), name_, Bits(flags));
}

Result<Checkpoint> Checkpoint::GetParent(unsigned flags) const {
  const auto& conn = domain_.connection_state();
  std::lock_guard lock(conn->mutex);
  Result<std::string> parent = conn->driver->CheckpointGetParent(Ref(domain_), name_, flags);
  if (!parent) return std::unexpected(parent.error());
  return Checkpoint(domain_, std::move(*parent));
}

Result<std::vector<Checkpoint>> Checkpoint::ListAllChildren(CheckpointListFlags flags) const {
  const auto& conn = domain_.connection_state();
  std::lock_guard lock(conn->mutex);
  Result<std::vector<std::string>> names =
      conn->driver->CheckpointListAllChildren(Ref(domain_), name_, Bits(flags));
  if (!names) return std::unexpected(names.error());
  std::vector<Checkpoint> out;
  out.reserve(names->size());
  for (std::string& n : *names) out.push_back(Checkpoint(domain_, std::move(n)));
  return out;
}

Status Checkpoint::Delete(CheckpointDeleteFlags flags) const {
  constexpr const char* kFn = "virDomainCheckpointDelete";
  const auto& conn = domain_.connection_state();
  const unsigned f = Bits(flags);
  const api::FlagName children{Bits(CheckpointDeleteFlags::kChildren),
                               "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN"};
  const api::FlagName children_only{Bits(CheckpointDeleteFlags::kChildrenOnly),
                                    "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY"};
  Status ok = api::RequireWritable(conn->read_only, kFn, kErr);
  if (ok) ok = api::RequireExclusive(f, children, children_only, kErr);
  if (!ok) return ok;
  std::lock_guard lock(conn->mutex);
  return conn->driver->CheckpointDelete(Ref(domain_), name_, f);
}

Result<std::vector<CheckpointBitmapState>> Checkpoint::CheckBitmaps() const {
  const auto& conn = domain_.connection_state();
  std::lock_guard lock(conn->mutex);
  return conn->driver->CheckpointCheckBitmaps(Ref(domain_), name_);
}

}  // namespace cairn
