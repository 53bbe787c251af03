// tools/cairn/tree_printer.hpp — `checkpoint-list --tree`: a forest drawn with "|" and
// "+- " exactly as virsh's vshTreePrint draws it, children in list order, including the
// trailing line of spaces after the last leaf of each branch.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cairn::cli {

struct TreeEntry {
  std::string name;
  std::optional<std::string> parent;  // nullopt: a root
};

// The tree hanging from entries[root], which must be a root, in virsh's layout.
std::string RenderTree(const std::vector<TreeEntry>& entries, std::size_t root);

}  // namespace cairn::cli
