// Checkpoint and parent lookups shared by the checkpoint commands.
#include "tools/cairn/checkpoint_lookup.hpp"

#include <fmt/format.h>

#include "tools/cairn/command_args.hpp"
#include "tools/cairn/suggest.hpp"

namespace cairn::cli {

std::optional<Checkpoint> LookupCheckpoint(Session& session, const ParsedCommand& cmd,
                                           const Domain& domain, std::string_view option) {
  std::optional<std::string> name;
  if (!StringOption(session, cmd, option, &name)) return std::nullopt;
  if (!name) {
    session.out().Error(fmt::format("--{} is required", option));
    return std::nullopt;
  }
  Result<Checkpoint> cp = domain.CheckpointLookupByName(*name);
  if (!cp) {
    session.SetError(cp.error());
    session.ReportError();
    if (cp.error().code() == ErrorCode::kNoDomainCheckpoint) {
      // After libvirt's error line: the closest checkpoint name of the domain, if any.
      std::vector<std::string> names;
      if (Result<std::vector<Checkpoint>> all = domain.ListAllCheckpoints()) {
        for (const Checkpoint& c : *all) names.push_back(c.name());
      }
      if (std::optional<std::string> near = ClosestName(*name, names)) {
        session.out().Hint(fmt::format("did you mean '{}'?", *near));
      }
    }
    return std::nullopt;
  }
  return *cp;
}

bool LookupParentName(Session& session, const Checkpoint& checkpoint,
                      std::optional<std::string>* parent) {
  parent->reset();
  Result<Checkpoint> p = checkpoint.GetParent();
  if (p) {
    *parent = p->name();
    return true;
  }
  if (p.error().code() == ErrorCode::kNoDomainCheckpoint) return true;  // a root
  session.SetError(p.error());
  session.ReportError();
  session.out().Error("unable to determine if checkpoint has parent");
  return false;
}

}  // namespace cairn::cli
