// The checkpoint group: option tables (virsh 9's, option for option) and the handlers of
// checkpoint-create, -create-as, -info, -dumpxml, -parent and -delete.
#include "tools/cairn/checkpoint_commands.hpp"

#include <fmt/format.h>

#include "tools/cairn/checkpoint_lookup.hpp"
#include "tools/cairn/command_args.hpp"
#include "tools/cairn/command_table.hpp"
#include "tools/cairn/dump_xml.hpp"
#include "tools/cairn/local_files.hpp"
#include "cairn/checkpoint_spec.hpp"

namespace cairn::cli {
namespace {

// The bitmaps of `cp` that can no longer serve an incremental backup ("c1 missing on vda,
// ..."), empty when all are fine; nothing when the driver has no bitmaps (the test driver
// does not support the query), so output on it stays exactly virsh's.
std::optional<std::string> BitmapProblems(const Checkpoint& cp, std::size_t* tracked = nullptr) {
  Result<std::vector<CheckpointBitmapState>> states = cp.CheckBitmaps();
  if (!states) return std::nullopt;
  if (tracked != nullptr) *tracked = states->size();
  std::string problems;
  for (const CheckpointBitmapState& b : *states) {
    if (b.health == BitmapHealth::kOk) continue;
    if (!problems.empty()) problems += ", ";
    problems +=
        fmt::format("{} {} on {}", b.bitmap,
                    b.health == BitmapHealth::kMissing ? "missing" : "inconsistent", b.disk);
  }
  return problems;
}

// Cairn extension, on stderr: a checkpoint that tracks no disk (every disk not named with
// --diskspec is left out when one is, as in libvirt), and one whose parent's bitmaps are
// broken (an incremental backup across the parent cannot be trusted).
void WarnAboutCreated(Session& s, const Checkpoint& cp) {
  std::size_t tracked = 0;
  std::optional<std::string> own = BitmapProblems(cp, &tracked);
  if (!own) return;
  if (tracked == 0) {
    s.out().Warning(fmt::format(
        "checkpoint {} tracks no disk: disks not named with --diskspec (or <disk>) are left "
        "out when any is named; name each disk to track with --diskspec DISK,checkpoint=bitmap",
        cp.name()));
  }
  Result<Checkpoint> parent = cp.GetParent();
  if (!parent) return;
  std::optional<std::string> broken = BitmapProblems(*parent);
  if (broken && !broken->empty()) {
    s.out().Warning(fmt::format(
        "checkpoint {} has parent {} whose bitmaps are broken ({}): an incremental backup "
        "since {} or its ancestors will fail; delete {} and take a full backup",
        cp.name(), parent->name(), *broken, parent->name(), parent->name()));
  }
}

bool PrintCreated(Session& s, Result<Checkpoint> cp, const std::optional<std::string>& from) {
  if (!cp) {
    s.SetError(cp.error());
    return false;
  }
  if (from) {
    s.out().PrintExtra(fmt::format("Domain checkpoint {} created from '{}'", cp->name(), *from));
  } else {
    s.out().PrintExtra(fmt::format("Domain checkpoint {} created", cp->name()));
  }
  WarnAboutCreated(s, *cp);
  return true;
}

bool RunCreate(Session& s, const ParsedCommand& cmd) {
  if (cmd.Has("redefine-validate") && !cmd.Has("redefine")) {
    s.out().Error("Option --redefine is required by option --redefine-validate");
    return false;
  }
  CheckpointCreateFlags flags = CheckpointCreateFlags::kNone;
  if (cmd.Has("redefine")) flags |= CheckpointCreateFlags::kRedefine;
  if (cmd.Has("redefine-validate")) flags |= CheckpointCreateFlags::kRedefineValidate;
  if (cmd.Has("quiesce")) flags |= CheckpointCreateFlags::kQuiesce;

  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<std::string> from;
  if (!StringOption(s, cmd, "xmlfile", &from)) return false;
  std::string xml = "<domaincheckpoint/>";
  if (from) {
    Result<std::string> text = ReadLocalFile(*from);
    if (!text) {
      s.SetError(text.error());
      return false;
    }
    xml = std::move(*text);
  }
  return PrintCreated(s, dom->CheckpointCreateXml(xml, flags), from);
}

// One --diskspec: "disk[,checkpoint=type][,bitmap=name]", ",," standing for a comma.
std::optional<CheckpointDiskSpec> ParseDiskspec(const std::string& spec) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] == ',' && i + 1 < spec.size() && spec[i + 1] == ',') {
      fields.back() += ',';
      ++i;
    } else if (spec[i] == ',') {
      fields.emplace_back();
    } else {
      fields.back() += spec[i];
    }
  }
  CheckpointDiskSpec disk{fields[0]};
  for (std::size_t i = 1; i < fields.size(); ++i) {
    if (!disk.checkpoint && fields[i].starts_with("checkpoint=")) {
      disk.checkpoint = fields[i].substr(11);
    } else if (!disk.bitmap && fields[i].starts_with("bitmap=")) {
      disk.bitmap = fields[i].substr(7);
    } else {
      return std::nullopt;
    }
  }
  return disk;
}

bool RunCreateAs(Session& s, const ParsedCommand& cmd) {
  CheckpointCreateFlags flags = CheckpointCreateFlags::kNone;
  if (cmd.Has("quiesce")) flags |= CheckpointCreateFlags::kQuiesce;
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  CheckpointSpec spec;
  if (!StringOption(s, cmd, "name", &spec.name) ||
      !StringOption(s, cmd, "description", &spec.description)) {
    return false;
  }
  if (cmd.Has("diskspec")) {
    spec.disks.emplace();
    for (const std::string& text : cmd.Values("diskspec")) {
      std::optional<CheckpointDiskSpec> disk = ParseDiskspec(text);
      if (!disk) {
        s.out().Error(fmt::format("unable to parse diskspec: {}", text));
        return false;
      }
      spec.disks->push_back(std::move(*disk));
    }
  }
  const std::string xml = spec.ToXml();
  if (cmd.Has("print-xml")) {
    s.out().Print(xml + "\n");
    return true;
  }
  return PrintCreated(s, dom->CheckpointCreateXml(xml, flags), std::nullopt);
}

bool RunInfo(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<Checkpoint> cp = LookupCheckpoint(s, cmd, *dom, "checkpointname");
  if (!cp) return false;
  s.out().Print(fmt::format("{:<15} {}\n", "Name:", cp->name()));
  s.out().Print(fmt::format("{:<15} {}\n", "Domain:", dom->name()));
  std::optional<std::string> parent;
  if (!LookupParentName(s, *cp, &parent)) {
    s.out().Error("unexpected problem querying checkpoint state");
    return false;
  }
  s.out().Print(fmt::format("{:<15} {}\n", "Parent:", parent.value_or("-")));

  Result<std::vector<Checkpoint>> children = cp->ListAllChildren();
  if (!children) {
    // A driver that cannot list children still answers the rest, as in virsh.
    if (children.error().code() == ErrorCode::kNoSupport) return true;
    s.SetError(children.error());
    return false;
  }
  s.out().Print(fmt::format("{:<15} {}\n", "Children:", children->size()));
  Result<std::vector<Checkpoint>> descendants =
      cp->ListAllChildren(CheckpointListFlags::kDescendants);
  if (!descendants) {
    s.SetError(descendants.error());
    return false;
  }
  s.out().Print(fmt::format("{:<15} {}\n", "Descendants:", descendants->size()));
  // Cairn extension: name the bitmaps that can no longer serve an incremental backup. The
  // line appears only when something is wrong, so healthy output stays exactly virsh's.
  if (std::optional<std::string> problems = BitmapProblems(*cp); problems && !problems->empty()) {
    s.out().Print(fmt::format("{:<15} {}\n", "Bitmaps:", *problems));
  }
  return true;
}

bool RunDumpXml(Session& s, const ParsedCommand& cmd) {
  CheckpointXmlFlags flags = CheckpointXmlFlags::kNone;
  if (cmd.Has("security-info")) flags |= CheckpointXmlFlags::kSecure;
  if (cmd.Has("no-domain")) flags |= CheckpointXmlFlags::kNoDomain;
  if (cmd.Has("size")) flags |= CheckpointXmlFlags::kSize;
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<std::string> xpath = cmd.Value("xpath");
  if (xpath && xpath->empty()) return false;  // virsh fails here without a word
  std::optional<Checkpoint> cp = LookupCheckpoint(s, cmd, *dom, "checkpointname");
  if (!cp) return false;
  Result<std::string> xml = cp->GetXmlDesc(flags);
  if (!xml) {
    s.SetError(xml.error());
    return false;
  }
  if (cmd.Has("size")) {
    // Cairn extension, as checkpoint-info: a disk whose bitmap is gone or broken gets no
    // size, and the XML alone does not say why.
    if (std::optional<std::string> problems = BitmapProblems(*cp); problems && !problems->empty()) {
      s.out().Warning(fmt::format("checkpoint {}: no size for bitmaps {}", cp->name(), *problems));
    }
  }
  return DumpXml(s, *xml, xpath, cmd.Has("wrap"));
}

bool RunParent(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<Checkpoint> cp = LookupCheckpoint(s, cmd, *dom, "checkpointname");
  if (!cp) return false;
  std::optional<std::string> parent;
  if (!LookupParentName(s, *cp, &parent)) return false;
  if (!parent) {
    s.out().Error(fmt::format("checkpoint '{}' has no parent", cp->name()));
    return false;
  }
  s.out().Print(*parent);  // the line ends with the blank line every command prints
  return true;
}

bool RunDelete(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<Checkpoint> cp = LookupCheckpoint(s, cmd, *dom, "checkpointname");
  if (!cp) return false;
  CheckpointDeleteFlags flags = CheckpointDeleteFlags::kNone;
  if (cmd.Has("children")) flags |= CheckpointDeleteFlags::kChildren;
  if (cmd.Has("children-only")) flags |= CheckpointDeleteFlags::kChildrenOnly;
  if (cmd.Has("metadata")) flags |= CheckpointDeleteFlags::kMetadataOnly;
  if (Status ok = cp->Delete(flags); !ok) {
    s.SetError(ok.error());
    s.out().Error(fmt::format("Failed to delete checkpoint {}", cp->name()));
    return false;
  }
  if (Has(flags, CheckpointDeleteFlags::kChildrenOnly)) {
    s.out().PrintExtra(fmt::format("Domain checkpoint {} children deleted\n", cp->name()));
  } else {
    s.out().PrintExtra(fmt::format("Domain checkpoint {} deleted\n", cp->name()));
  }
  return true;
}

constexpr OptionDef Bool(std::string_view name, std::string_view help) {
  return {name, OptionKind::kBool, help};
}
constexpr OptionDef CheckpointName(std::string_view help = "checkpoint name") {
  return {"checkpointname", OptionKind::kString, help, false, false, ValueCompletion::kCheckpoint};
}

constexpr OptionDef kCreateOptions[] = {
    DomainOption(),
    {"xmlfile", OptionKind::kString, "domain checkpoint XML", false, false, ValueCompletion::kFile},
    Bool("redefine", "redefine metadata for existing checkpoint"),
    Bool("redefine-validate", "validate the redefined checkpoint"),
    Bool("quiesce", "quiesce guest's file systems"),
};
constexpr OptionDef kCreateAsOptions[] = {
    DomainOption(),
    {"name", OptionKind::kString, "name of checkpoint"},
    {"description", OptionKind::kString, "description of checkpoint"},
    Bool("print-xml", "print XML document rather than create"),
    Bool("quiesce", "quiesce guest's file systems"),
    {"diskspec", OptionKind::kArgv, "disk attributes: disk[,checkpoint=type][,bitmap=name]"},
};
constexpr OptionDef kNamedOptions[] = {DomainOption(), CheckpointName()};
constexpr OptionDef kListOptions[] = {
    DomainOption(),
    Bool("parent", "add a column showing parent checkpoint"),
    Bool("roots", "list only checkpoints without parents"),
    Bool("leaves", "list only checkpoints without children"),
    Bool("no-leaves", "list only checkpoints that are not leaves (with children)"),
    Bool("tree", "list checkpoints in a tree"),
    {"from", OptionKind::kString, "limit list to children of given checkpoint", false, false,
     ValueCompletion::kCheckpoint},
    Bool("descendants", "with --from, list all descendants"),
    Bool("name", "list checkpoint names only"),
    Bool("topological", "sort list topologically rather than by name"),
};
constexpr OptionDef kDumpXmlOptions[] = {
    DomainOption(),
    CheckpointName(),
    Bool("security-info", "include security sensitive information in XML dump"),
    Bool("no-domain", "exclude <domain> from XML"),
    Bool("size", "include backup size estimate in XML dump"),
    {"xpath", OptionKind::kString, "xpath expression to filter the XML document", true},
    Bool("wrap", "wrap xpath results in an common root element"),
};
constexpr OptionDef kParentOptions[] = {DomainOption(),
                                        CheckpointName("find parent of checkpoint name")};
constexpr OptionDef kDeleteOptions[] = {
    DomainOption(),
    CheckpointName(),
    Bool("children", "delete checkpoint and all children"),
    Bool("children-only", "delete children but not checkpoint"),
    Bool("metadata", "delete only cairn's metadata, leaving checkpoint contents behind"),
};

constexpr CommandDef kCommands[] = {
    {"checkpoint-create", "Create a checkpoint from XML",
     "Create a checkpoint from XML for use in future incremental backups", kCreateOptions,
     RunCreate},
    {"checkpoint-create-as", "Create a checkpoint from a set of args",
     "Create a checkpoint from arguments for use in future incremental backups", kCreateAsOptions,
     RunCreateAs},
    {"checkpoint-delete", "Delete a domain checkpoint", "Checkpoint Delete", kDeleteOptions,
     RunDelete},
    {"checkpoint-dumpxml", "Dump XML for a domain checkpoint", "Checkpoint Dump XML",
     kDumpXmlOptions, RunDumpXml},
    {"checkpoint-edit", "edit XML for a checkpoint",
     "Edit the domain checkpoint XML for a named checkpoint", kNamedOptions, RunCheckpointEdit},
    {"checkpoint-info", "checkpoint information", "Returns basic information about a checkpoint.",
     kNamedOptions, RunInfo},
    {"checkpoint-list", "List checkpoints for a domain", "Checkpoint List", kListOptions,
     RunCheckpointList},
    {"checkpoint-parent", "Get the name of the parent of a checkpoint",
     "Extract the checkpoint's parent, if any", kParentOptions, RunParent},
};

}  // namespace

const CommandGroup& CheckpointGroup() {
  static const CommandGroup kGroup{"Checkpoint", "checkpoint", kCommands};
  return kGroup;
}

}  // namespace cairn::cli
