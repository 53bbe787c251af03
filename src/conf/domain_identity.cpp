// The identity rules of defining a domain.
#include "conf/domain_identity.hpp"

#include <fmt/format.h>

#include "conf/uuid.hpp"

namespace cairn::conf {

Status SettleDomainIdentity(DomainDef& def, const std::vector<DomainIdentity>& defined,
                            ErrorDomain err) {
  if (def.uuid().empty()) {
    std::string uuid;
    for (const DomainIdentity& d : defined) {
      if (d.name == def.name()) uuid = d.uuid;
    }
    def.set_uuid(uuid.empty() ? GenerateUuid() : uuid);
  } else if (std::optional<std::string> u = CanonicalUuid(def.uuid())) {
    def.set_uuid(*u);
  } else {
    return Fail(ErrorCode::kXmlError, err, fmt::format("malformed uuid element '{}'", def.uuid()));
  }
  def.set_id(std::nullopt);
  for (const DomainIdentity& d : defined) {
    if (d.name != def.name() && d.uuid == def.uuid()) {
      return Fail(ErrorCode::kOperationFailed, err,
                  fmt::format("domain '{}' already exists with uuid {}", d.name, d.uuid));
    }
  }
  for (const DomainIdentity& d : defined) {
    if (d.name == def.name() && d.uuid != def.uuid()) {
      return Fail(ErrorCode::kOperationFailed, err,
                  fmt::format("domain '{}' is already defined with uuid {}", d.name, d.uuid));
    }
  }
  return {};
}

}  // namespace cairn::conf
