// The qemu driver's checkpoint entry points: bitmaps in the images, metadata in the store,
// both changed under the domain lock with the journal protocol of domain_session.hpp.
#include <fmt/format.h>

#include "conf/checkpoint_def.hpp"
#include "conf/checkpoint_rules.hpp"
#include "driver/flag_bits.hpp"
#include "drivers/qemu/checkpoint_checks.hpp"
#include "drivers/qemu/checkpoint_creation.hpp"
#include "drivers/qemu/crash_point.hpp"
#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/guest_agent.hpp"
#include "drivers/qemu/qemu_command.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "util/time.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;
using namespace driver::checkpoint_bits;

// A checkpoint call's session: a change holds the lock; a read takes none (DomainSession).
Result<DomainSession> OpenToChange(const StateLayout& layout, const driver::DomainRef& ref) {
  return DomainSession::Open(layout, ref, {.lock = true, .checkpoints = true});
}
Result<DomainSession> OpenToRead(const StateLayout& layout, const driver::DomainRef& ref,
                                 bool read_only) {
  return DomainSession::Open(layout, ref, {.checkpoints = true, .read_only = read_only});
}

// libvirt's virCheckFlags at the top of each qemu-driver entry point.
Status CheckFlags(unsigned flags, unsigned accepted, std::string_view function) {
  return driver::CheckFlags(flags, accepted, function, kErr);
}

Result<std::string> Redefine(DomainSession& s, std::string_view xml, unsigned flags) {
  Result<conf::CheckpointDef> def = conf::ParseCheckpointXml(xml, conf::kCheckpointParseRedefine);
  if (!def) return std::unexpected(def.error());
  if (Status ok = conf::PrepareCheckpointRedefinition(*def, s.domain().def); !ok) {
    return std::unexpected(ok.error());
  }
  if (Result<bool> plan = s.checkpoints().PlanRedefine(*def); !plan) {
    return std::unexpected(plan.error());
  }
  if (flags & kCreateRedefineValidate) {
    Result<std::vector<DiskBitmapView>> views = s.bitmaps().Query();
    if (!views) return std::unexpected(views.error());
    if (Status ok = ValidateBitmaps(*def, *views); !ok) return std::unexpected(ok.error());
  }
  if (Status ok = s.store().Save(*def); !ok) return std::unexpected(ok.error());
  std::string name = def->name;
  const std::string before = s.checkpoints().current();
  s.checkpoints().CommitRedefine(std::move(*def));
  if (s.checkpoints().current() != before) (void)s.store().WriteCurrent(s.checkpoints().current());
  if (Status ok = s.store().Commit(); !ok) return std::unexpected(ok.error());
  return name;
}

// A failure after a change's point of no return: the journal holds it, and the next call on
// the domain completes it, so the message must not leave the caller thinking it was undone.
std::unexpected<Error> WillBeCompleted(const Error& e, std::string_view change,
                                       const DomainSession& s) {
  return std::unexpected(Error(
      e.code(), e.domain(),
      fmt::format("{}; {} is past its point of no return and will be completed by the next "
                  "command on domain '{}'",
                  e.detail(), change, s.domain().def.name())));
}

// QUIESCE needs a running domain with a guest-agent channel; checked before anything moves.
Status CheckQuiesce(const DomainSession& s, const StateLayout& layout) {
  if (!s.domain().active()) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "cannot quiesce a domain that is not running");
  }
  if (AgentSocketPath(s.domain().def, layout).empty()) {
    return Fail(ErrorCode::kArgumentUnsupported, kErr, "QEMU guest agent is not configured");
  }
  return {};
}

Result<std::string> Create(DomainSession& s, const StateLayout& layout, std::string_view xml,
                           unsigned flags) {
  if (flags & kCreateQuiesce) {
    if (Status ok = CheckQuiesce(s, layout); !ok) return std::unexpected(ok.error());
  }
  Result<conf::CheckpointDef> def = conf::ParseCheckpointXml(xml, 0);
  if (!def) return std::unexpected(def.error());
  Result<CheckpointCreation> creation = CheckpointCreation::Prepare(
      s, std::move(*def), CheckpointCreation::StaleCheck::kOnFailure);
  if (!creation) return std::unexpected(creation.error());
  const std::string name = creation->def().name;
  const std::string change = fmt::format("creating checkpoint '{}'", name);
  if (Status ok = creation->WriteJournal(); !ok) return std::unexpected(ok.error());
  {
    // QUIESCE: filesystems frozen for the instant of the transaction, thawed on every path.
    // A failure before the bitmaps exist rolls the creation back (its destructor).
    std::optional<FrozenGuest> frozen;
    if (flags & kCreateQuiesce) {
      Result<FrozenGuest> f = FrozenGuest::Freeze(AgentSocketPath(s.domain().def, layout));
      if (!f) return std::unexpected(f.error());
      frozen.emplace(std::move(*f));
    }
    Status added = creation->AddBitmaps();
    Status thawed = frozen ? frozen->Thaw() : Status();
    if (!added) return std::unexpected(added.error());
    if (!thawed) {
      creation->LeaveToNextLook();
      return WillBeCompleted(thawed.error(), change, s);
    }
  }
  if (Status ok = creation->SaveMetadata(); !ok) {
    // The bitmaps exist: the journal finishes the job on the next call.
    creation->LeaveToNextLook();
    return WillBeCompleted(ok.error(), change, s);
  }
  creation->Commit();
  return name;
}

}  // namespace

Result<std::string> QemuDriver::CheckpointCreateXml(const driver::DomainRef& ref,
                                                    std::string_view xml, unsigned flags) {
  if (Status ok = CheckFlags(flags, kCreateRedefine | kCreateQuiesce | kCreateRedefineValidate,
                             "qemuDomainCheckpointCreateXML");
      !ok) {
    return std::unexpected(ok.error());
  }
  Result<DomainSession> s = OpenToChange(layout_, ref);
  if (!s) return std::unexpected(s.error());
  if (flags & kCreateRedefine) return Redefine(*s, xml, flags);
  return Create(*s, layout_, xml, flags);
}

Result<std::string> QemuDriver::CheckpointGetXmlDesc(const driver::DomainRef& ref,
                                                     std::string_view name, unsigned flags) {
  if (Status ok = CheckFlags(flags, kXmlSecure | kXmlNoDomain | kXmlSize,
                             "qemuDomainCheckpointGetXMLDesc");
      !ok) {
    return std::unexpected(ok.error());
  }
  Result<DomainSession> s = OpenToRead(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  Result<const conf::CheckpointDef*> def = s->checkpoints().Find(name);
  if (!def) return std::unexpected(def.error());
  if (!(flags & kXmlSize)) return conf::FormatCheckpointXml(**def, flags);
  conf::CheckpointDef sized = **def;
  std::vector<BitmapRef> wanted;
  Result<std::vector<DiskBitmapView>> views = s->bitmaps().Query();
  if (!views) return std::unexpected(views.error());
  for (const BitmapRef& b : BitmapsOf(sized)) {
    const DiskBitmapView* v = ViewOf(*views, b.target);
    if (v != nullptr && v->Find(b.name) != nullptr && !v->Find(b.name)->inconsistent) {
      wanted.push_back(b);  // a missing or broken bitmap simply gets no size, as in libvirt
    }
  }
  Result<std::vector<std::uint64_t>> bytes = s->bitmaps().DirtyBytes(wanted, *views);
  if (!bytes) return std::unexpected(bytes.error());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    for (conf::CheckpointDiskDef& d : sized.disks) {
      if (d.name == wanted[i].target) d.size = (*bytes)[i];
    }
  }
  return conf::FormatCheckpointXml(sized, flags);
}

Result<std::vector<std::string>> QemuDriver::ListAllCheckpoints(const driver::DomainRef& ref,
                                                                unsigned flags) {
  if (Status ok = CheckFlags(flags, kListFlags, "qemuDomainListAllCheckpoints"); !ok) {
    return std::unexpected(ok.error());
  }
  Result<DomainSession> s = OpenToRead(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  return s->checkpoints().List(flags);
}

// Opened as the listing calls open it: a reader that may write replays the journal here and
// sees nothing pending, as its listing already did.
Result<bool> QemuDriver::CheckpointRepairPending(const driver::DomainRef& ref) {
  Result<DomainSession> s = OpenToRead(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  return s->repair_pending();
}

Result<std::vector<std::string>> QemuDriver::CheckpointListAllChildren(const driver::DomainRef& ref,
                                                                       std::string_view name,
                                                                       unsigned flags) {
  if (Status ok = CheckFlags(flags, kListFlags, "qemuDomainCheckpointListAllChildren"); !ok) {
    return std::unexpected(ok.error());
  }
  Result<DomainSession> s = OpenToRead(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  return s->checkpoints().ListChildren(name, flags);
}

Status QemuDriver::CheckpointLookupByName(const driver::DomainRef& ref, std::string_view name,
                                          unsigned flags) {
  if (Status ok = CheckFlags(flags, 0, "qemuDomainCheckpointLookupByName"); !ok) return ok;
  Result<DomainSession> s = OpenToRead(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  Result<const conf::CheckpointDef*> def = s->checkpoints().Find(name);
  if (!def) return std::unexpected(def.error());
  return {};
}

Result<std::string> QemuDriver::CheckpointGetParent(const driver::DomainRef& ref,
                                                    std::string_view name, unsigned flags) {
  if (Status ok = CheckFlags(flags, 0, "qemuDomainCheckpointGetParent"); !ok) {
    return std::unexpected(ok.error());
  }
  Result<DomainSession> s = OpenToRead(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  return s->checkpoints().ParentOf(name);
}

Status QemuDriver::CheckpointDelete(const driver::DomainRef& ref, std::string_view name,
                                    unsigned flags) {
  if (Status ok = CheckFlags(flags, kDeleteChildren | kDeleteMetadataOnly | kDeleteChildrenOnly,
                             "qemuDomainCheckpointDelete");
      !ok) {
    return ok;
  }
  Result<DomainSession> opened = OpenToChange(layout_, ref);
  if (!opened) return std::unexpected(opened.error());
  DomainSession& s = *opened;
  Result<model::DeletePlan> plan =
      s.checkpoints().PlanDelete(name, flags & kDeleteChildren, flags & kDeleteChildrenOnly);
  if (!plan) return std::unexpected(plan.error());

  model::CheckpointIntent intent{.kind = model::CheckpointIntent::Kind::kDelete,
                                 .created = std::nullopt,
                                 .removed = plan->removed,
                                 .reparented = {},
                                 .new_current = plan->new_current};
  const std::string new_parent = s.checkpoints().tree().ParentOf(plan->target).value_or("");
  for (const std::string& child : plan->reparented) {
    intent.reparented.emplace_back(child, new_parent);
  }
  std::vector<BitmapRef> remove;
  if (!(flags & kDeleteMetadataOnly)) {
    for (const std::string& gone : plan->removed) {
      for (const BitmapRef& b : BitmapsOf(**s.checkpoints().Find(gone))) remove.push_back(b);
    }
  }
  if (Status ok = s.store().WriteJournal(intent); !ok) return ok;
  CrashPoint("checkpoint-delete:journal-written");
  // A bitmap already gone is no reason to keep its metadata (libvirt refuses here).
  if (Status ok = s.bitmaps().RemovePresent(remove); !ok) {
    (void)s.store().ClearJournal();
    return ok;
  }
  CrashPoint("checkpoint-delete:bitmaps-removed");
  const std::string change = fmt::format("deleting checkpoint '{}'", plan->target);
  for (const std::string& child : plan->reparented) {
    conf::CheckpointDef def = **s.checkpoints().Find(child);
    def.parent = new_parent;
    if (Status ok = s.store().Save(def); !ok) return WillBeCompleted(ok.error(), change, s);
  }
  for (const std::string& gone : plan->removed) {
    if (Status ok = s.store().Remove(gone); !ok) return WillBeCompleted(ok.error(), change, s);
  }
  CrashPoint("checkpoint-delete:metadata-removed");
  s.checkpoints().CommitDelete(*plan);
  if (plan->new_current) (void)s.store().WriteCurrent(s.checkpoints().current());
  return s.store().ClearJournal();
}

namespace {

std::vector<CheckpointBitmapState> HealthOf(const conf::CheckpointDef& def,
                                            const std::vector<DiskBitmapView>& views) {
  std::vector<CheckpointBitmapState> out;
  for (const BitmapRef& b : BitmapsOf(def)) {
    const DiskBitmapView* v = ViewOf(views, b.target);
    const qmp::DirtyBitmapInfo* state = v ? v->Find(b.name) : nullptr;
    BitmapHealth health = BitmapHealth::kOk;
    if (state == nullptr) {
      health = BitmapHealth::kMissing;
    } else if (state->inconsistent || !state->recording || !state->persistent) {
      health = BitmapHealth::kInconsistent;
    }
    out.push_back({b.target, b.name, health});
  }
  return out;
}

}  // namespace

namespace {

// A session and its bitmaps seen together: a reader takes no lock, so a change may start
// between reading the metadata and querying the bitmaps (a delete removing the very bitmaps
// it would then report missing). When a journal appeared meanwhile, look again; the next
// open then sees the change's outcome.
struct SessionWithBitmaps {
  DomainSession session;
  std::vector<DiskBitmapView> views;
};

Result<SessionWithBitmaps> OpenWithBitmaps(const StateLayout& layout,
                                           const driver::DomainRef& ref, bool read_only) {
  for (int attempt = 0;; ++attempt) {
    Result<DomainSession> s = OpenToRead(layout, ref, read_only);
    if (!s) return std::unexpected(s.error());
    Result<std::vector<DiskBitmapView>> views = s->bitmaps().Query();
    if (!views) return std::unexpected(views.error());
    Result<std::optional<model::CheckpointIntent>> journal = s->store().ReadJournal();
    if (!journal) return std::unexpected(journal.error());
    if (!*journal || s->repair_pending() || attempt == 2) {
      return SessionWithBitmaps{std::move(*s), std::move(*views)};
    }
  }
}

}  // namespace

Result<std::vector<CheckpointBitmapState>> QemuDriver::CheckpointCheckBitmaps(
    const driver::DomainRef& ref, std::string_view name) {
  Result<SessionWithBitmaps> s = OpenWithBitmaps(layout_, ref, read_only_);
  if (!s) return std::unexpected(s.error());
  Result<const conf::CheckpointDef*> def = s->session.checkpoints().Find(name);
  if (!def) return std::unexpected(def.error());
  return HealthOf(**def, s->views);
}

Result<std::vector<CheckpointBitmapReport>> QemuDriver::CheckAllCheckpointBitmaps(
    const driver::DomainRef& ref) {
  Result<SessionWithBitmaps> opened = OpenWithBitmaps(layout_, ref, read_only_);
  if (!opened) return std::unexpected(opened.error());
  DomainSession* s = &opened->session;
  const std::vector<DiskBitmapView>* views = &opened->views;
  std::vector<CheckpointBitmapReport> out;
  for (const std::string& name : s->checkpoints().List(0)) {
    out.push_back({name, HealthOf(**s->checkpoints().Find(name), *views)});
  }
  return out;
}

}  // namespace cairn::drivers::qemu
