// tools/cairn/backup_commands.hpp — the domain job commands, which virsh lists under domain
// management (domjobinfo, domjobabort) but which belong with the backup group's handlers in
// backup_commands.cpp.
#pragma once

#include "tools/cairn/parsed_command.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

bool RunDomJobInfo(Session& session, const ParsedCommand& cmd);
bool RunDomJobAbort(Session& session, const ParsedCommand& cmd);

}  // namespace cairn::cli
