// Domain and checkpoint names for tab completion, from the session's connection.
#include "tools/cairn/session_completion.hpp"

namespace cairn::cli {

CompletionSources CompletionSourcesFor(Session& session) {
  CompletionSources sources;
  sources.domains = [&session]() {
    std::vector<std::string> names;
    if (!session.TryConnect()) return names;
    Result<std::vector<Domain>> all = session.connection().ListAllDomains();
    if (all) {
      for (const Domain& d : *all) names.push_back(d.name());
    }
    return names;
  };
  sources.checkpoints = [&session](const std::string& domain) {
    std::vector<std::string> names;
    if (!session.TryConnect()) return names;
    Result<Domain> dom = session.connection().LookupDomain(domain);
    if (!dom) return names;
    Result<std::vector<Checkpoint>> all = dom->ListAllCheckpoints();
    if (all) {
      for (const Checkpoint& c : *all) names.push_back(c.name());
    }
    return names;
  };
  return sources;
}

}  // namespace cairn::cli
