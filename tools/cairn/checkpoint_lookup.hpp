// tools/cairn/checkpoint_lookup.hpp — the two lookups every checkpoint command shares: the
// checkpoint named by an option, and a checkpoint's parent, with virsh's messages ("--NAME
// is required", "unable to determine if checkpoint has parent").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cairn/cairn.hpp"
#include "tools/cairn/parsed_command.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

// The checkpoint of `domain` named by `option`; nullopt after printing the error.
std::optional<Checkpoint> LookupCheckpoint(Session& session, const ParsedCommand& cmd,
                                           const Domain& domain, std::string_view option);

// The name of `checkpoint`'s parent in *parent (nullopt for a root). Returns false after
// printing the error when the parent cannot be determined.
bool LookupParentName(Session& session, const Checkpoint& checkpoint,
                      std::optional<std::string>* parent);

}  // namespace cairn::cli
