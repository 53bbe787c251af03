// tools/cairn/command_args.hpp — reading option values the way every virsh command does:
// an empty value is refused unless the option allows it, and a DOMAIN argument is tried as
// an id, then a UUID, then a name, failing with "failed to get domain 'X'".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cairn/cairn.hpp"
#include "tools/cairn/parsed_command.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

// The value of a string option (nullopt if absent) in *value. Returns false after printing
// "Failed to get option 'NAME': Option argument is empty" for an empty value.
bool StringOption(Session& session, const ParsedCommand& cmd, std::string_view option,
                  std::optional<std::string>* value);

// The "domain" option most commands take first, as virsh declares it.
constexpr OptionDef DomainOption(std::string_view help = "domain name, id or uuid") {
  return {"domain", OptionKind::kData, help, false, false, ValueCompletion::kDomain};
}

// Which keys a DOMAIN argument is tried as (always in the order id, UUID, name), as each
// virsh command declares it: domname takes no name, domid no id, domuuid no UUID.
enum class DomainKeys { kIdUuidOrName, kUuidOrName, kIdOrName, kIdOrUuid };

// The domain named by the "domain" option; nullopt after printing "failed to get domain
// 'X'" and, when the name lookup failed for another reason than an unknown domain,
// recording that error for the end of the command.
std::optional<Domain> LookupDomain(Session& session, const ParsedCommand& cmd,
                                   DomainKeys keys = DomainKeys::kIdUuidOrName);

}  // namespace cairn::cli
