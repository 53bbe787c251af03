// tools/cairn/lifecycle_commands.hpp — shutdown, reboot, suspend, resume, domfsfreeze,
// domfsthaw: the handlers of the commands on a running guest that virsh lists under domain
// management (table in domain_commands.cpp).
// Each looks the domain up, makes one API call, and prints virsh's message naming the
// domain as it was given. Not thread-safe (one session).
#pragma once

#include "tools/cairn/parsed_command.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

bool RunShutdown(Session& session, const ParsedCommand& cmd);
bool RunReboot(Session& session, const ParsedCommand& cmd);
bool RunSuspend(Session& session, const ParsedCommand& cmd);
bool RunResume(Session& session, const ParsedCommand& cmd);
bool RunDomFsFreeze(Session& session, const ParsedCommand& cmd);
bool RunDomFsThaw(Session& session, const ParsedCommand& cmd);

}  // namespace cairn::cli
