// The identity rules of defining a domain, libvirt's, shared by every driver: a domain is
// known by its name and by its UUID, and a definition may only replace the domain that has
// both. Pure: the caller says which domains are defined (under whatever lock it needs).
#pragma once

#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"

namespace cairn::conf {

// A defined domain as the identity rules see it.
struct DomainIdentity {
  std::string name;
  std::string uuid;
};

// Settles the identity of `def` about to be defined beside `defined`: a UUID in canonical
// form (VIR_ERR_XML_ERROR "malformed uuid element 'X'"); without one, the UUID of the domain
// already defined under that name (redefining keeps the identity, as libvirt does), else a
// new one; no runtime id. Then VIR_ERR_OPERATION_FAILED, in `err`'s domain, when another
// domain has that UUID ("domain 'N' already exists with uuid U") or the name is defined
// with another UUID ("domain 'N' is already defined with uuid U").
Status SettleDomainIdentity(DomainDef& def, const std::vector<DomainIdentity>& defined,
                            ErrorDomain err);

}  // namespace cairn::conf
