// cairn-backup/commands.hpp — one function per command: open what it needs (repository,
// connection), do the job, print the outcome (text, or JSON with --json).
// Thread rule: one command per process.
#pragma once

#include "cairn/error.hpp"
#include "tools/cairn-backup/command_line.hpp"

namespace cairn::backup {

Status RunCommand(const CommandLine& cl);

// The usage text `cairn-backup help` prints.
const char* UsageText();

}  // namespace cairn::backup
