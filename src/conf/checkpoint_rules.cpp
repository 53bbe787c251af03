// The checkpoint rules shared by the drivers.
#include "conf/checkpoint_rules.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace cairn::conf {

Result<DomainDef> InactiveCopy(const DomainDef& domain) {
  return DomainDef::Parse(domain.Format(kDomainFormatSecure | kDomainFormatInactive));
}

Status PrepareNewCheckpoint(CheckpointDef& def, const DomainDef& domain) {
  def.creation_time = util::NowUnixSeconds();
  if (def.name.empty()) def.name = std::to_string(def.creation_time);
  Result<DomainDef> inactive = InactiveCopy(domain);
  if (!inactive) return std::unexpected(inactive.error());
  def.domain = std::move(*inactive);
  return AlignCheckpointDisks(def, *def.domain);
}

Status PrepareCheckpointRedefinition(CheckpointDef& def, const DomainDef& domain) {
  if (!def.domain) {
    FillDefaultBitmapNames(def);
    return {};
  }
  if (def.domain->uuid() != domain.uuid()) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kDomain,
                fmt::format("definition for checkpoint {} must use uuid {}", def.name,
                            domain.uuid()));
  }
  return AlignCheckpointDisks(def, *def.domain);
}

}  // namespace cairn::conf
