// The qemu driver's allow-list and the walk that checks a definition against it.
#include "drivers/qemu/domain_support.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace cairn::drivers::qemu {
namespace {

// One element that BuildQemuCommand honours, by its path from <domain>. `attrs` lists the
// attributes it honours, each "name" (any value) or "name=v1|v2" (only those values).
// `any_content`: what is inside is not interpreted and may be anything (<metadata>).
struct ElementRule {
  std::string_view path;
  std::array<std::string_view, 4> attrs;
  bool any_content = false;
};

// Keep in step with qemu_command.cpp: a row here is a promise that the option is wired.
constexpr ElementRule kRules[] = {
    {"domain", {"type=kvm|qemu", "id"}},
    {"domain/name", {}},
    {"domain/uuid", {}},
    {"domain/title", {}},
    {"domain/description", {}},
    {"domain/metadata", {}, true},
    {"domain/memory", {"unit"}},
    {"domain/currentMemory", {"unit"}},
    {"domain/vcpu", {"placement=static"}},
    {"domain/os", {}},
    {"domain/os/type", {"arch=x86_64", "machine"}},
    {"domain/os/kernel", {}},
    {"domain/os/initrd", {}},
    {"domain/os/cmdline", {}},
    {"domain/os/boot", {"dev=hd"}},
    {"domain/features", {}},
    {"domain/features/acpi", {}},
    {"domain/features/apic", {}},
    {"domain/features/pae", {}},
    {"domain/clock", {"offset=utc"}},
    {"domain/on_poweroff", {}},
    {"domain/on_reboot", {}},
    {"domain/devices", {}},
    {"domain/devices/emulator", {}},
    {"domain/devices/disk", {"type=file|block", "device=disk|cdrom"}},
    {"domain/devices/disk/driver", {"name=qemu", "type=raw|qcow2", "discard=unmap|ignore"}},
    {"domain/devices/disk/source", {"file", "dev"}},
    {"domain/devices/disk/target", {"dev", "bus=virtio|ide|sata"}},
    {"domain/devices/disk/readonly", {}},
    {"domain/devices/disk/boot", {"order"}},
    {"domain/devices/serial", {"type=unix|pipe|file|null"}},
    {"domain/devices/serial/source", {"mode=bind", "path"}},
    {"domain/devices/serial/target", {"port"}},
    {"domain/devices/console", {"type=unix|pipe|file|null"}},
    {"domain/devices/console/source", {"mode=bind", "path"}},
    {"domain/devices/console/target", {"type=serial", "port"}},
    {"domain/devices/channel", {"type=unix"}},
    {"domain/devices/channel/source", {"mode=bind", "path"}},
    {"domain/devices/channel/target", {"type=virtio", "name=org.qemu.guest_agent.0"}},
    {"domain/devices/memballoon", {"model=none"}},
};

// The text of elements whose value, not only presence, is a choice QEMU must honour.
struct TextRule {
  std::string_view path;
  std::string_view values;  // "a|b"
};
constexpr TextRule kTextRules[] = {
    {"domain/os/type", "hvm"},
    {"domain/on_poweroff", "destroy"},  // QEMU exits when the guest powers off
    {"domain/on_reboot", "restart|destroy"},  // QEMU resets the guest; -no-reboot: exits
};

bool InList(std::string_view list, std::string_view value) {
  while (!list.empty()) {
    std::size_t bar = list.find('|');
    if (list.substr(0, bar) == value) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}

const ElementRule* RuleFor(std::string_view path) {
  for (const ElementRule& r : kRules) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

std::unexpected<Error> Unsupported(std::string_view what) {
  return Fail(ErrorCode::kConfigUnsupported, ErrorDomain::kQemu,
              fmt::format("{} is not supported by Cairn's qemu driver", what));
}

Status CheckElement(const conf::XmlElement& e, const std::string& path) {
  const ElementRule* rule = RuleFor(path);
  if (rule == nullptr) return Unsupported(fmt::format("<{}>", e.name()));
  for (const auto& [key, value] : e.attributes()) {
    bool allowed = false;
    for (std::string_view a : rule->attrs) {
      std::size_t eq = a.find('=');
      if (a.substr(0, eq) != key) continue;
      allowed = eq == std::string_view::npos || InList(a.substr(eq + 1), value);
    }
    if (!allowed) return Unsupported(fmt::format("<{} {}='{}'>", e.name(), key, value));
  }
  for (const TextRule& t : kTextRules) {
    if (t.path == path && !InList(t.values, e.text())) {
      return Unsupported(fmt::format("<{}>{}</{}>", e.name(), e.text(), e.name()));
    }
  }
  if (rule->any_content) return {};
  for (const conf::XmlElement& c : e.children()) {
    if (Status ok = CheckElement(c, path + "/" + c.name()); !ok) return ok;
  }
  return {};
}

}  // namespace

Status CheckQemuSupport(const conf::DomainDef& def) {
  if (!def.foreign_elements().empty()) {
    return Unsupported(fmt::format("<{}>", def.foreign_elements().front()));
  }
  return CheckElement(def.element(), "domain");
}

std::string DescribeQemuSupport() {
  std::string out;
  for (const ElementRule& r : kRules) {
    out += r.path;
    for (std::string_view a : r.attrs) {
      if (a.empty()) continue;
      out += fmt::format("  {}", a);
    }
    for (const TextRule& t : kTextRules) {
      if (t.path == r.path) out += fmt::format("  text={}", t.values);
    }
    if (r.any_content) out += "  (any content)";
    out += '\n';
  }
  return out;
}

}  // namespace cairn::drivers::qemu
