// RenderTree: vshTreePrint's recursive layout.
#include "tools/cairn/tree_printer.hpp"

namespace cairn::cli {
namespace {

void Render(const std::vector<TreeEntry>& entries, std::size_t node, std::size_t last_sibling,
            bool is_root, std::string& indent, std::string& out) {
  const std::string& name = entries[node].name;
  out += indent + (is_root ? "" : "+- ") + name + "\n";
  if (!is_root) indent += node == last_sibling ? "  " : "| ";

  std::optional<std::size_t> last_child;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].parent == name) last_child = i;
  }
  if (last_child) out += indent + "  |\n";

  indent += "  ";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].parent == name) Render(entries, i, *last_child, false, indent, out);
  }
  indent.resize(indent.size() - 2);

  // The last leaf of a branch is followed by a line holding just the indent.
  if (!last_child && node == last_sibling) out += indent + "\n";
  if (!is_root) indent.resize(indent.size() - 2);
}

}  // namespace

std::string RenderTree(const std::vector<TreeEntry>& entries, std::size_t root) {
  std::string indent;
  std::string out;
  Render(entries, root, root, true, indent, out);
  return out;
}

}  // namespace cairn::cli
