// The checkpoint rules every driver applies before its own checks, libvirt's: what a new
// checkpoint takes from its domain, and what a redefinition must agree with. Pure: nothing
// here touches a hypervisor, a file or a driver's state.
#pragma once

#include "cairn/error.hpp"
#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"

namespace cairn::conf {

// `domain` as a shut-off domain has it (no runtime id), secrets kept: the definition a new
// checkpoint records.
Result<DomainDef> InactiveCopy(const DomainDef& domain);

// A new checkpoint of `domain` (checkpoint-create, or one made with a backup): created now,
// named by that time when it has no name, carrying InactiveCopy(domain), its disks aligned
// (AlignCheckpointDisks' errors). The driver then checks what its hypervisor needs and the
// tree rules (model::DomainCheckpoints::PlanCreate).
Status PrepareNewCheckpoint(CheckpointDef& def, const DomainDef& domain);

// A redefinition (REDEFINE) for `domain`: one that carries a domain must be for this one
// (VIR_ERR_INVALID_ARG from VIR_FROM_DOMAIN "definition for checkpoint N must use uuid U")
// and is aligned against the domain it carries; one without gets default bitmap names.
Status PrepareCheckpointRedefinition(CheckpointDef& def, const DomainDef& domain);

}  // namespace cairn::conf
