// tools/cairn/session_completion.hpp — completion sources backed by a session's connection:
// domain names, and checkpoint names of a domain. They connect quietly on first use and
// offer nothing when the connection or the lookup fails.
#pragma once

#include "tools/cairn/completion.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

CompletionSources CompletionSourcesFor(Session& session);

}  // namespace cairn::cli
