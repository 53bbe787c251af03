// tools/cairn/suggest.hpp — "did you mean" for a mistyped domain or checkpoint name: the
// known name closest to what was typed by edit distance (insert, delete, substitute, swap of
// two neighbours), if it is close enough to be a typo. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::cli {

// The candidate nearest to `typed`, if at most max(1, typed.size() / 3) edits away and not
// equal to it; the first such in `candidates` order on a tie.
std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string>& candidates);

}  // namespace cairn::cli
