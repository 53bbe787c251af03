// Option values and domain lookup with virsh's rules and messages.
#include "tools/cairn/command_args.hpp"

#include <fmt/format.h>

#include <charconv>

#include "tools/cairn/option_binding.hpp"
#include "tools/cairn/suggest.hpp"

namespace cairn::cli {

bool StringOption(Session& session, const ParsedCommand& cmd, std::string_view option,
                  std::optional<std::string>* value) {
  *value = cmd.Value(option);
  const OptionDef* def = FindOption(cmd.def(), option);
  if (*value && (*value)->empty() && !(def != nullptr && def->empty_ok)) {
    session.out().Error(fmt::format("Failed to get option '{}': Option argument is empty", option));
    return false;
  }
  return true;
}

namespace {

// After virsh's line: "hint: did you mean 'NAME'?" for the closest domain name, if any.
void SuggestDomain(Session& session, const std::string& typed) {
  Result<std::vector<Domain>> all =
      session.connection().ListAllDomains(ListDomainsFlags::kActive | ListDomainsFlags::kInactive);
  if (!all) return;
  std::vector<std::string> names;
  for (const Domain& d : *all) names.push_back(d.name());
  if (std::optional<std::string> near = ClosestName(typed, names)) {
    session.out().Hint(fmt::format("did you mean '{}'?", *near));
  }
}

}  // namespace

std::optional<Domain> LookupDomain(Session& session, const ParsedCommand& cmd, DomainKeys keys) {
  std::optional<std::string> key;
  if (!StringOption(session, cmd, "domain", &key) || !key) return std::nullopt;
  const Connection& conn = session.connection();
  const bool by_id = keys != DomainKeys::kUuidOrName;
  const bool by_uuid = keys != DomainKeys::kIdOrName;
  const bool by_name = keys != DomainKeys::kIdOrUuid;
  if (by_id) {
    int id = -1;
    auto [end, ec] = std::from_chars(key->data(), key->data() + key->size(), id);
    if (ec == std::errc() && end == key->data() + key->size() && id >= 0) {
      if (Result<Domain> d = conn.LookupDomainById(id)) return *d;
    }
  }
  // A UUID is tried only for strings of a UUID's length, as virsh does.
  if (by_uuid && key->size() == 36) {
    if (Result<Domain> d = conn.LookupDomainByUuid(*key)) return *d;
  }
  if (by_name) {
    Result<Domain> d = conn.LookupDomainByName(*key);
    if (d) return *d;
    // "no such domain" is what virsh's own line says; any other failure (a stored definition
    // that no longer parses, an unreadable state directory) is the real error, printed after.
    if (d.error().code() != ErrorCode::kNoDomain) session.SetError(d.error());
  }
  session.out().Error(fmt::format("failed to get domain '{}'", *key));
  if (by_name) SuggestDomain(session, *key);
  return std::nullopt;
}

}  // namespace cairn::cli
