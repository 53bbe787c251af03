// The domain monitoring group: domblklist, dominfo, domstate, list, printed as virsh 9
// prints them.
#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <climits>

#include "tools/cairn/command_args.hpp"
#include "tools/cairn/command_table.hpp"
#include "tools/cairn/table_printer.hpp"
#include "tools/cairn/xml_document.hpp"

namespace cairn::cli {
namespace {

// virsh's names for domain states.
std::string_view DomainStateName(DomainState state) {
  switch (state) {
    case DomainState::kNoState:
      return "no state";
    case DomainState::kRunning:
      return "running";
    case DomainState::kBlocked:
      return "idle";
    case DomainState::kPaused:
      return "paused";
    case DomainState::kShutdown:
      return "in shutdown";
    case DomainState::kShutoff:
      return "shut off";
    case DomainState::kCrashed:
      return "crashed";
    case DomainState::kPmSuspended:
      return "pmsuspended";
  }
  return "no state";
}

bool RunDomblklist(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  Result<std::string> xml =
      dom->GetXmlDesc(cmd.Has("inactive") ? DomainXmlFlags::kInactive : DomainXmlFlags::kNone);
  if (!xml) {
    s.SetError(xml.error());
    return false;
  }
  std::optional<XmlDocument> doc = XmlDocument::Parse(*xml);
  if (!doc) {
    s.out().Error("Failed to parse domain description xml");
    return false;
  }
  const bool details = cmd.Has("details");
  Table table(details ? std::vector<std::string>{"Type", "Device", "Target", "Source"}
                      : std::vector<std::string>{"Target", "Source"});
  for (_xmlNode* disk : doc->Nodes("./devices/disk").value_or(std::vector<_xmlNode*>{})) {
    std::optional<std::string> type = doc->String("string(./@type)", disk);
    std::optional<std::string> device = doc->String("string(./@device)", disk);
    if (details && (!type || !device)) {
      s.out().Print("unable to query block list details");
      return false;
    }
    std::optional<std::string> target = doc->String("string(./target/@dev)", disk);
    if (!target) {
      s.out().Error("unable to query block list");
      return false;
    }
    std::string source = doc->String(
                                "string(./source/@file|./source/@dev|./source/@dir|./source/@name"
                                "|./source/@volume|./source/@path)",
                                disk)
                             .value_or("-");
    if (details) {
      table.AddRow({*type, *device, *target, source});
    } else {
      table.AddRow({*target, source});
    }
  }
  s.out().Print(table.Render(!s.out().quiet()));
  return true;
}

std::string Line(std::string_view label, std::string_view value) {
  return fmt::format("{:<15} {}\n", label, value);
}

bool RunDominfo(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  Output& out = s.out();
  out.Print(Line("Id:", dom->id() >= 0 ? std::to_string(dom->id()) : "-"));
  out.Print(Line("Name:", dom->name()));
  out.Print(Line("UUID:", dom->uuid()));
  if (Result<std::string> os = dom->GetOsType()) out.Print(Line("OS Type:", *os));
  Result<DomainInfo> info = dom->GetInfo();
  if (info) {
    out.Print(Line("State:", DomainStateName(info->state)));
    out.Print(Line("CPU(s):", std::to_string(info->vcpus)));
    if (info->cpu_time_ns != 0) {
      out.Print(Line("CPU time:", fmt::format("{:.1f}s", info->cpu_time_ns / 1e9)));
    }
    if (info->max_memory_kib != UINT_MAX) {
      out.Print(Line("Max memory:", fmt::format("{} KiB", info->max_memory_kib)));
    } else {
      out.Print(Line("Max memory:", "no limit"));
    }
    out.Print(Line("Used memory:", fmt::format("{} KiB", info->memory_kib)));
    out.Print(Line("Persistent:", info->persistent ? "yes" : "no"));
    out.Print(Line("Autostart:", info->autostart ? "enable" : "disable"));
  } else {
    s.SetError(info.error());
  }
  out.Print(Line("Managed save:", "no"));  // Cairn never keeps a managed save image
  const bool ok = info.has_value();
  // As virsh: the security lines only where the driver has a security model (a driver that
  // cannot tell is skipped), the label only where the domain has one.
  Result<SecurityModel> model = s.connection().GetSecurityModel();
  if (!model) {
    if (model.error().code() == ErrorCode::kNoSupport) return ok;
    s.SetError(model.error());
    return false;
  }
  if (model->model.empty()) return ok;
  out.Print(Line("Security model:", model->model));
  out.Print(Line("Security DOI:", model->doi));
  Result<SecurityLabel> label = dom->GetSecurityLabel();
  if (!label) {
    s.SetError(label.error());
    return false;
  }
  if (!label->label.empty()) {
    out.Print(Line("Security label:", fmt::format("{} ({})", label->label,
                                                  label->enforcing ? "enforcing" : "permissive")));
  }
  return ok;
}

bool RunDomstate(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  Result<DomainInfo> info = dom->GetInfo();
  if (!info) {
    s.SetError(info.error());
    return false;
  }
  // Cairn's API does not record why a domain is in its state; virsh says "unknown" then.
  if (cmd.Has("reason")) {
    s.out().Print(fmt::format("{} (unknown)\n", DomainStateName(info->state)));
  } else {
    s.out().Print(fmt::format("{}\n", DomainStateName(info->state)));
  }
  return true;
}

ListDomainsFlags ListFlags(const ParsedCommand& cmd) {
  ListDomainsFlags flags = ListDomainsFlags::kActive;
  if (cmd.Has("inactive")) flags = ListDomainsFlags::kInactive;
  if (cmd.Has("all")) flags = ListDomainsFlags::kActive | ListDomainsFlags::kInactive;
  if (cmd.Has("persistent")) flags |= ListDomainsFlags::kPersistent;
  if (cmd.Has("transient")) flags |= ListDomainsFlags::kTransient;
  if (cmd.Has("with-checkpoint")) flags |= ListDomainsFlags::kHasCheckpoint;
  if (cmd.Has("without-checkpoint")) flags |= ListDomainsFlags::kNoCheckpoint;
  return flags;
}

// Running domains by id, then the others by name, as virsh sorts them.
bool ListOrder(const Domain& a, const Domain& b) {
  if (a.id() >= 0 && b.id() >= 0) return a.id() < b.id();
  if (a.id() >= 0 || b.id() >= 0) return a.id() >= 0;
  return strcasecmp(a.name().c_str(), b.name().c_str()) < 0;
}

bool RunList(Session& s, const ParsedCommand& cmd) {
  for (std::string_view other : {"name", "uuid", "id"}) {
    if (cmd.Has("table") && cmd.Has(other)) {
      s.out().Error(fmt::format("Options --table and --{} are mutually exclusive", other));
      return false;
    }
  }
  const bool by_uuid = cmd.Has("uuid"), by_name = cmd.Has("name"), by_id = cmd.Has("id");
  const bool as_table = !by_uuid && !by_name && !by_id;
  Result<std::vector<Domain>> domains = s.connection().ListAllDomains(ListFlags(cmd));
  if (!domains) {
    s.SetError(domains.error());
    s.out().Error("Failed to list domains");
    return false;
  }
  std::ranges::stable_sort(*domains, ListOrder);
  Table table({"Id", "Name", "State"});
  for (const Domain& d : *domains) {
    const std::string id = d.id() >= 0 ? std::to_string(d.id()) : "-";
    if (as_table) {
      Result<DomainInfo> info = d.GetInfo();
      if (!info) continue;  // undefined meanwhile
      table.AddRow({id, d.name(), std::string(DomainStateName(info->state))});
      continue;
    }
    // --id alone lists running domains only.
    if (by_id && !by_uuid && !by_name && d.id() < 0) continue;
    std::string line;
    if (by_uuid) line += d.uuid();
    if (by_id) line += (line.empty() ? "" : " ") + id;
    if (by_name) line += (line.empty() ? "" : " ") + d.name();
    s.out().Print(line + "\n");
  }
  if (as_table) s.out().Print(table.Render(!s.out().quiet()));
  return true;
}

constexpr OptionDef kDomblklistOptions[] = {
    DomainOption(),
    {"inactive", OptionKind::kBool, "get inactive rather than running configuration"},
    {"details", OptionKind::kBool, "additionally display the type and device value"},
};
constexpr OptionDef kDomainOnly[] = {DomainOption()};
constexpr OptionDef kDomstateOptions[] = {
    DomainOption(),
    {"reason", OptionKind::kBool, "also print reason for the state"},
};
constexpr OptionDef kListOptions[] = {
    {"inactive", OptionKind::kBool, "list inactive domains"},
    {"all", OptionKind::kBool, "list inactive & active domains"},
    {"transient", OptionKind::kBool, "list transient domains"},
    {"persistent", OptionKind::kBool, "list persistent domains"},
    {"with-checkpoint", OptionKind::kBool, "list domains with existing checkpoint"},
    {"without-checkpoint", OptionKind::kBool, "list domains without a checkpoint"},
    {"uuid", OptionKind::kBool, "list uuid's only"},
    {"name", OptionKind::kBool, "list domain names only"},
    {"id", OptionKind::kBool, "list domain IDs only"},
    {"table", OptionKind::kBool, "list table (default)"},
};

constexpr CommandDef kCommands[] = {
    {"domblklist", "list all domain blocks", "Get the summary of block devices for a domain.",
     kDomblklistOptions, RunDomblklist},
    {"dominfo", "domain information", "Returns basic information about the domain.", kDomainOnly,
     RunDominfo},
    {"domstate", "domain state", "Returns state about a domain.", kDomstateOptions, RunDomstate},
    {"list", "list domains", "Returns list of domains.", kListOptions, RunList},
};

}  // namespace

const CommandGroup& DomainMonitoringGroup() {
  static const CommandGroup kGroup{"Domain Monitoring", "monitor", kCommands};
  return kGroup;
}

}  // namespace cairn::cli
