// tools/cairn/checkpoint_commands.hpp — the handlers of the checkpoint group that live in
// files of their own (checkpoint-list and checkpoint-edit); the group's table and the
// smaller handlers are in checkpoint_commands.cpp.
#pragma once

#include "tools/cairn/parsed_command.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

bool RunCheckpointList(Session& session, const ParsedCommand& cmd);
bool RunCheckpointEdit(Session& session, const ParsedCommand& cmd);

}  // namespace cairn::cli
