// checkpoint-list: virsh's option rules, collection, name sorting, and the three output
// forms (table, names, tree).
#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <charconv>

#include "tools/cairn/checkpoint_commands.hpp"
#include "tools/cairn/checkpoint_lookup.hpp"
#include "tools/cairn/command_args.hpp"
#include "tools/cairn/local_time.hpp"
#include "tools/cairn/table_printer.hpp"
#include "tools/cairn/tree_printer.hpp"
#include "tools/cairn/xml_document.hpp"

namespace cairn::cli {
namespace {

struct ListedCheckpoint {
  Checkpoint checkpoint;
  std::optional<std::string> parent;  // filled only for --tree
};

bool CheckExclusions(Session& s, const ParsedCommand& cmd) {
  constexpr std::pair<std::string_view, std::string_view> kExclusive[] = {
      {"tree", "name"},  {"parent", "roots"}, {"parent", "tree"},
      {"roots", "tree"}, {"roots", "from"},
  };
  for (auto [a, b] : kExclusive) {
    if (cmd.Has(a) && cmd.Has(b)) {
      s.out().Error(fmt::format("Options --{} and --{} are mutually exclusive", a, b));
      return false;
    }
  }
  for (std::string_view filter : {"leaves", "no-leaves"}) {
    if (cmd.Has(filter) && cmd.Has("tree")) {
      s.out().Error(fmt::format("--{} and --tree are mutually exclusive", filter));
      return false;
    }
  }
  if (cmd.Has("descendants") && !cmd.Has("from")) {
    s.out().Error("--descendants requires --from");
    return false;
  }
  return true;
}

CheckpointListFlags ListFlags(const ParsedCommand& cmd) {
  CheckpointListFlags flags = CheckpointListFlags::kNone;
  if (cmd.Has("leaves")) flags |= CheckpointListFlags::kLeaves;
  if (cmd.Has("no-leaves")) flags |= CheckpointListFlags::kNoLeaves;
  if (cmd.Has("topological")) flags |= CheckpointListFlags::kTopological;
  if (cmd.Has("roots")) flags |= CheckpointListFlags::kRoots;
  if (cmd.Has("descendants")) flags |= CheckpointListFlags::kDescendants;
  return flags;
}

// The checkpoints to show, in display order; with --tree each with its parent, and the
// --from checkpoint itself added as a root so the tree hangs from it.
std::optional<std::vector<ListedCheckpoint>> Collect(Session& s, const Domain& dom,
                                                     const std::optional<Checkpoint>& from,
                                                     CheckpointListFlags flags, bool tree) {
  Result<std::vector<Checkpoint>> found =
      from ? from->ListAllChildren(flags) : dom.ListAllCheckpoints(flags);
  if (!found) {
    s.SetError(found.error());
    s.out().Error("unexpected problem querying checkpoints");
    return std::nullopt;
  }
  std::vector<ListedCheckpoint> list;
  for (Checkpoint& cp : *found) list.push_back({std::move(cp), std::nullopt});
  if (tree) {
    for (ListedCheckpoint& entry : list) {
      if (!LookupParentName(s, entry.checkpoint, &entry.parent)) return std::nullopt;
    }
    if (from) list.push_back({*from, std::nullopt});
  }
  if (!Has(flags, CheckpointListFlags::kTopological)) {
    std::ranges::stable_sort(list, [](const ListedCheckpoint& a, const ListedCheckpoint& b) {
      return strcasecmp(a.checkpoint.name().c_str(), b.checkpoint.name().c_str()) < 0;
    });
  }
  return list;
}

void PrintTree(Session& s, const std::vector<ListedCheckpoint>& list) {
  std::vector<TreeEntry> entries;
  for (const ListedCheckpoint& e : list) entries.push_back({e.checkpoint.name(), e.parent});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].parent) s.out().Print(RenderTree(entries, i));
  }
}

void PrintTable(Session& s, const std::vector<ListedCheckpoint>& list, bool with_parent) {
  Table table(with_parent ? std::vector<std::string>{"Name", "Creation Time", "Parent"}
                          : std::vector<std::string>{"Name", "Creation Time"});
  for (const ListedCheckpoint& e : list) {
    // Like virsh, a checkpoint whose XML cannot be read (deleted meanwhile) is skipped.
    // Without the <domain> copy: the row needs two fields, not a document per checkpoint
    // the size of the domain's definition.
    Result<std::string> xml = e.checkpoint.GetXmlDesc(CheckpointXmlFlags::kNoDomain);
    if (!xml) continue;
    std::optional<XmlDocument> doc = XmlDocument::Parse(*xml);
    if (!doc) continue;
    std::optional<std::string> created = doc->String("string(/domaincheckpoint/creationTime)");
    long long seconds = 0;
    if (!created) continue;
    auto [end, ec] = std::from_chars(created->data(), created->data() + created->size(), seconds);
    if (ec != std::errc() || end != created->data() + created->size()) continue;
    std::vector<std::string> row{e.checkpoint.name(), FormatLocalTime(seconds)};
    if (with_parent) {
      row.push_back(doc->String("string(/domaincheckpoint/parent/name)").value_or(""));
    }
    table.AddRow(std::move(row));
  }
  s.out().Print(table.Render(!s.out().quiet()));
}

}  // namespace

// Cairn extension: a listed checkpoint whose bitmaps vanished or broke can no longer serve
// an incremental backup; say so on stderr, leaving stdout exactly virsh's. Drivers without
// bitmaps (the test driver) do not support the query and nothing is printed.
void WarnAboutBrokenBitmaps(Session& s, const Domain& dom,
                            const std::vector<ListedCheckpoint>& list) {
  Result<std::vector<CheckpointBitmapReport>> reports = dom.CheckCheckpointBitmaps();
  if (!reports) return;
  for (const ListedCheckpoint& e : list) {
    for (const CheckpointBitmapReport& r : *reports) {
      if (r.checkpoint != e.checkpoint.name()) continue;
      for (const CheckpointBitmapState& b : r.bitmaps) {
        if (b.health == BitmapHealth::kOk) continue;
        s.out().Warning(fmt::format("checkpoint {}: bitmap {} {} on {}", r.checkpoint, b.bitmap,
                                    b.health == BitmapHealth::kMissing ? "missing" : "inconsistent",
                                    b.disk));
      }
    }
  }
}

// Cairn extension: a reader that may not complete a change a killed writer left in the
// journal lists the checkpoints as that completion will leave them; say so, on stderr.
// Drivers without journals answer "no", so nothing is printed there.
void WarnAboutPendingRepair(Session& s, const Domain& dom) {
  Result<bool> pending = dom.CheckpointRepairPending();
  if (!pending || !*pending) return;
  s.out().Warning(fmt::format(
      "an interrupted checkpoint change on domain '{}' is pending: the list shows what its "
      "repair will leave; the next command that may write to the domain's checkpoints repairs it",
      dom.name()));
}

bool RunCheckpointList(Session& s, const ParsedCommand& cmd) {
  if (!CheckExclusions(s, cmd)) return false;
  const CheckpointListFlags flags = ListFlags(cmd);
  const bool tree = cmd.Has("tree");
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<Checkpoint> from;
  if (cmd.Has("from")) {
    from = LookupCheckpoint(s, cmd, *dom, "from");
    if (!from) return false;
  }
  std::optional<std::vector<ListedCheckpoint>> list = Collect(s, *dom, from, flags, tree);
  if (!list) return false;
  if (tree) {
    PrintTree(s, *list);
  } else if (cmd.Has("name")) {
    for (const ListedCheckpoint& e : *list) s.out().Print(e.checkpoint.name() + "\n");
  } else {
    PrintTable(s, *list, cmd.Has("parent"));
  }
  WarnAboutPendingRepair(s, *dom);
  WarnAboutBrokenBitmaps(s, *dom, *list);
  return true;
}

}  // namespace cairn::cli
