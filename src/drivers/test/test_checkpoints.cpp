// Test driver: checkpoints as pure metadata, with libvirt's test-driver behaviour.
#include <fmt/format.h>

#include "conf/checkpoint_def.hpp"
#include "drivers/test/test_driver.hpp"
#include "util/time.hpp"

namespace cairn::drivers::test {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kTest;
constexpr unsigned kCreateRedefine = 1u << 0, kCreateQuiesce = 1u << 1;
constexpr unsigned kXmlSize = 1u << 2;
constexpr unsigned kDeleteChildren = 1u << 0, kDeleteMetadataOnly = 1u << 1,
                   kDeleteChildrenOnly = 1u << 2;

// A redefinition that carries a domain must be for this domain, and is aligned against it.
Status PrepareRedefinition(conf::CheckpointDef& def, const conf::DomainDef& live) {
  if (def.domain) {
    if (def.domain->uuid() != live.uuid()) {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kDomain,
                  fmt::format("definition for checkpoint {} must use uuid {}", def.name,
                              live.uuid()));
    }
    return conf::AlignCheckpointDisks(def, *def.domain);
  }
  conf::FillDefaultBitmapNames(def);
  return {};
}

}  // namespace

Result<std::string> TestDriver::CheckpointCreateXml(const driver::DomainRef& ref,
                                                    std::string_view xml, unsigned flags) {
  if (unsigned extra = flags & ~(kCreateRedefine | kCreateQuiesce)) {
    return std::unexpected(driver::UnsupportedFlags(extra, "testDomainCheckpointCreateXML"));
  }
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  TestDomain& dom = **found;
  if (dom.id < 0) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "cannot create checkpoint for inactive domain");
  }
  const bool redefine = flags & kCreateRedefine;
  Result<conf::CheckpointDef> def =
      conf::ParseCheckpointXml(xml, redefine ? conf::kCheckpointParseRedefine : 0);
  if (!def) return std::unexpected(def.error());

  if (redefine) {
    if (Status ok = PrepareRedefinition(*def, dom.def); !ok) return std::unexpected(ok.error());
    if (Result<bool> plan = dom.checkpoints.PlanRedefine(*def); !plan) {
      return std::unexpected(plan.error());
    }
    std::string name = def->name;
    dom.checkpoints.CommitRedefine(std::move(*def));
    return name;
  }

  // QUIESCE: the test driver has no guest to freeze; like libvirt's, it accepts the flag.
  def->creation_time = util::NowUnixSeconds();
  if (def->name.empty()) def->name = std::to_string(def->creation_time);
  Result<conf::DomainDef> inactive = conf::DomainDef::Parse(
      dom.def.Format(conf::kDomainFormatSecure | conf::kDomainFormatInactive));
  if (!inactive) return std::unexpected(inactive.error());
  def->domain = std::move(*inactive);
  if (Status ok = conf::AlignCheckpointDisks(*def, *def->domain); !ok) {
    return std::unexpected(ok.error());
  }
  if (Status ok = dom.checkpoints.PlanCreate(*def); !ok) return std::unexpected(ok.error());
  std::string name = def->name;
  dom.checkpoints.CommitCreate(std::move(*def));
  return name;
}

Result<std::string> TestDriver::CheckpointGetXmlDesc(const driver::DomainRef& ref,
                                                     std::string_view name, unsigned flags) {
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  Result<const conf::CheckpointDef*> def = (*found)->checkpoints.Find(name);
  if (!def) return std::unexpected(def.error());
  if (!(flags & kXmlSize)) return conf::FormatCheckpointXml(**def, flags);
  if ((*found)->id < 0) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  }
  // Nothing is tracked here; like libvirt's test driver, any number will do.
  conf::CheckpointDef sized = **def;
  for (conf::CheckpointDiskDef& d : sized.disks) {
    if (d.type == conf::CheckpointDiskType::kBitmap) d.size = 1024;
  }
  return conf::FormatCheckpointXml(sized, flags);
}

Result<std::vector<std::string>> TestDriver::ListAllCheckpoints(const driver::DomainRef& ref,
                                                                unsigned flags) {
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  return (*found)->checkpoints.List(flags);
}

Result<std::vector<std::string>> TestDriver::CheckpointListAllChildren(
    const driver::DomainRef& ref, std::string_view name, unsigned flags) {
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  return (*found)->checkpoints.ListChildren(name, flags);
}

Status TestDriver::CheckpointLookupByName(const driver::DomainRef& ref, std::string_view name,
                                          unsigned) {
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  Result<const conf::CheckpointDef*> def = (*found)->checkpoints.Find(name);
  if (!def) return std::unexpected(def.error());
  return {};
}

Result<std::string> TestDriver::CheckpointGetParent(const driver::DomainRef& ref,
                                                    std::string_view name, unsigned) {
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  return (*found)->checkpoints.ParentOf(name);
}

Status TestDriver::CheckpointDelete(const driver::DomainRef& ref, std::string_view name,
                                    unsigned flags) {
  if (unsigned extra = flags & ~(kDeleteChildren | kDeleteMetadataOnly | kDeleteChildrenOnly)) {
    return std::unexpected(driver::UnsupportedFlags(extra, "testDomainCheckpointDelete"));
  }
  Result<TestDomain*> found = Find(ref);
  if (!found) return std::unexpected(found.error());
  // METADATA_ONLY makes no difference: the test driver has nothing but metadata.
  Result<model::DeletePlan> plan = (*found)->checkpoints.PlanDelete(
      name, flags & kDeleteChildren, flags & kDeleteChildrenOnly);
  if (!plan) return std::unexpected(plan.error());
  (*found)->checkpoints.CommitDelete(*plan);
  return {};
}

}  // namespace cairn::drivers::test
