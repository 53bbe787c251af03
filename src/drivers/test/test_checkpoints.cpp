// Test driver: checkpoints as pure metadata, with libvirt's test-driver behaviour.
#include <fmt/format.h>

#include "conf/checkpoint_def.hpp"
#include "conf/checkpoint_rules.hpp"
#include "driver/flag_bits.hpp"
#include "drivers/test/test_driver.hpp"

namespace cairn::drivers::test {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kTest;
using namespace driver::checkpoint_bits;

// libvirt's virCheckFlags at the top of each test-driver entry point.
Status CheckFlags(unsigned flags, unsigned accepted, std::string_view function) {
  return driver::CheckFlags(flags, accepted, function, kErr);
}

}  // namespace

Result<std::string> TestDriver::CheckpointCreateXml(const driver::DomainRef& ref,
                                                    std::string_view xml, unsigned flags) {
  if (Status ok = Writable("virDomainCheckpointCreateXML"); !ok) return std::unexpected(ok.error());
  std::lock_guard lock(state_->mutex);
  // REDEFINE_VALIDATE is not among them: libvirt 9.0's test driver refuses it.
  if (Status ok = CheckFlags(flags, kCreateRedefine | kCreateQuiesce,
                             "testDomainCheckpointCreateXML");
      !ok) {
    return std::unexpected(ok.error());
  }
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  TestDomain& dom = **found;
  if (dom.id < 0) {
    // libvirt 9.0 words it as unsupported, not as an invalid request.
    return Fail(ErrorCode::kOperationUnsupported, kErr,
                "cannot create checkpoint for inactive domain");
  }
  const bool redefine = flags & kCreateRedefine;
  Result<conf::CheckpointDef> def =
      conf::ParseCheckpointXml(xml, redefine ? conf::kCheckpointParseRedefine : 0);
  if (!def) return std::unexpected(def.error());

  if (redefine) {
    if (Status ok = conf::PrepareCheckpointRedefinition(*def, dom.def); !ok) {
      return std::unexpected(ok.error());
    }
    if (Result<bool> plan = dom.checkpoints.PlanRedefine(*def); !plan) {
      return std::unexpected(plan.error());
    }
    std::string name = def->name;
    dom.checkpoints.CommitRedefine(std::move(*def));
    return name;
  }

  // QUIESCE: the test driver has no guest to freeze; like libvirt's, it accepts the flag.
  if (Status ok = conf::PrepareNewCheckpoint(*def, dom.def); !ok) {
    return std::unexpected(ok.error());
  }
  if (Status ok = dom.checkpoints.PlanCreate(*def); !ok) return std::unexpected(ok.error());
  std::string name = def->name;
  dom.checkpoints.CommitCreate(std::move(*def));
  return name;
}

Result<std::string> TestDriver::CheckpointGetXmlDesc(const driver::DomainRef& ref,
                                                     std::string_view name, unsigned flags) {
  if (Status ok = CheckFlags(flags, kXmlSecure | kXmlNoDomain | kXmlSize,
                             "testDomainCheckpointGetXMLDesc");
      !ok) {
    return std::unexpected(ok.error());
  }
  if (flags & kXmlSecure) {
    if (Status ok = Writable("virDomainCheckpointGetXMLDesc"); !ok) {
      return std::unexpected(ok.error());
    }
  }
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  Result<const conf::CheckpointDef*> def = (*found)->checkpoints.Find(name);
  if (!def) return std::unexpected(def.error());
  if ((flags & kXmlSize) && (*found)->id < 0) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  }
  // SIZE: libvirt 9.0's test driver accepts it on a running domain and adds nothing (no
  // size= attribute); nothing here tracks blocks to count.
  return conf::FormatCheckpointXml(**def, flags & ~kXmlSize);
}

Result<std::vector<std::string>> TestDriver::ListAllCheckpoints(const driver::DomainRef& ref,
                                                                unsigned flags) {
  if (Status ok = CheckFlags(flags, kListFlags, "testDomainListAllCheckpoints"); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  return (*found)->checkpoints.List(flags);
}

Result<std::vector<std::string>> TestDriver::CheckpointListAllChildren(
    const driver::DomainRef& ref, std::string_view name, unsigned flags) {
  if (Status ok = CheckFlags(flags, kListFlags, "testDomainCheckpointListAllChildren"); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  return (*found)->checkpoints.ListChildren(name, flags);
}

Status TestDriver::CheckpointLookupByName(const driver::DomainRef& ref, std::string_view name,
                                          unsigned flags) {
  if (Status ok = CheckFlags(flags, 0, "testDomainCheckpointLookupByName"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  Result<const conf::CheckpointDef*> def = (*found)->checkpoints.Find(name);
  if (!def) return std::unexpected(def.error());
  return {};
}

Result<std::string> TestDriver::CheckpointGetParent(const driver::DomainRef& ref,
                                                    std::string_view name, unsigned flags) {
  if (Status ok = CheckFlags(flags, 0, "testDomainCheckpointGetParent"); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  return (*found)->checkpoints.ParentOf(name);
}

Status TestDriver::CheckpointDelete(const driver::DomainRef& ref, std::string_view name,
                                    unsigned flags) {
  if (Status ok = Writable("virDomainCheckpointDelete"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  if (Status ok = CheckFlags(flags, kDeleteChildren | kDeleteMetadataOnly | kDeleteChildrenOnly,
                             "testDomainCheckpointDelete");
      !ok) {
    return ok;
  }
  Result<TestDomain*> found = state_->Find(ref);
  if (!found) return std::unexpected(found.error());
  // METADATA_ONLY makes no difference: the test driver has nothing but metadata.
  Result<model::DeletePlan> plan = (*found)->checkpoints.PlanDelete(
      name, flags & kDeleteChildren, flags & kDeleteChildrenOnly);
  if (!plan) return std::unexpected(plan.error());
  (*found)->checkpoints.CommitDelete(*plan);
  return {};
}

}  // namespace cairn::drivers::test
