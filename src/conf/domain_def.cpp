// DomainDef parsing from the element tree, and formatting back with libvirt's conventions.
#include "conf/domain_def.hpp"

#include <fmt/format.h>

#include <charconv>

namespace cairn::conf {
namespace {

Result<DomainDiskDef> ReadDisk(const XmlElement& e) {
  DomainDiskDef d;
  if (const std::string* v = e.Attribute("type")) d.type = *v;
  d.device = "disk";
  if (const std::string* v = e.Attribute("device")) d.device = *v;
  if (const XmlElement* drv = e.Child("driver")) {
    if (const std::string* v = drv->Attribute("type")) d.format = *v;
  }
  if (const XmlElement* src = e.Child("source")) {
    for (const char* attr : {"file", "dev", "volume", "name"}) {
      if (const std::string* v = src->Attribute(attr)) {
        d.source = *v;
        break;
      }
    }
  }
  const XmlElement* target = e.Child("target");
  const std::string* dev = target != nullptr ? target->Attribute("dev") : nullptr;
  if (dev == nullptr || dev->empty()) {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kDomain,
                "missing target information for device");
  }
  d.target = *dev;
  if (const std::string* v = target->Attribute("bus")) d.bus = *v;
  d.readonly = e.Child("readonly") != nullptr;
  return d;
}

// A memory size in KiB from libvirt's <memory unit='...'> (default unit KiB).
Result<unsigned long long> ReadMemoryKib(const XmlElement& e) {
  unsigned long long value = 0;
  const std::string& t = e.text();
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size()) {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kDomain,
                fmt::format("invalid value '{}' for element <{}>", t, e.name()));
  }
  const std::string* unit = e.Attribute("unit");
  std::string u = unit != nullptr ? *unit : "KiB";
  unsigned long long scale_bytes = 0;
  if (u == "b" || u == "bytes") scale_bytes = 1;
  else if (u == "k" || u == "KiB") scale_bytes = 1024;
  else if (u == "KB") scale_bytes = 1000;
  else if (u == "M" || u == "MiB") scale_bytes = 1024ull << 10;
  else if (u == "MB") scale_bytes = 1000ull * 1000;
  else if (u == "G" || u == "GiB") scale_bytes = 1024ull << 20;
  else if (u == "GB") scale_bytes = 1000ull * 1000 * 1000;
  else if (u == "T" || u == "TiB") scale_bytes = 1024ull << 30;
  else {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kDomain, fmt::format("unknown unit '{}'", u));
  }
  return value * scale_bytes / 1024;
}

// Drops what only a SECURE format may show: passwords of graphics consoles.
void StripSecrets(XmlElement& e) {
  if (e.name() == "graphics") e.RemoveAttribute("passwd");
  for (XmlElement& c : e.children()) StripSecrets(c);
}

bool IsNamespaceDeclaration(const std::string& attr) {
  return attr == "xmlns" || attr.starts_with("xmlns:");
}

// Declares on `e` the namespace its own name uses, when the declaration was on an ancestor
// that is not kept (libvirt writes each <metadata> child with its own xmlns).
void DeclareOwnNamespace(XmlElement& e) {
  if (e.namespace_uri().empty()) return;
  std::size_t colon = e.name().find(':');
  std::string attr = colon == std::string::npos ? "xmlns" : "xmlns:" + e.name().substr(0, colon);
  if (e.Attribute(attr) == nullptr) e.SetAttribute(attr, e.namespace_uri());
}

// Outside <metadata>, libvirt reads only its own (unqualified) elements and drops the rest.
// Removes namespaced elements and namespace declarations there, recording what was removed.
void SeparateForeign(XmlElement& e, std::vector<std::string>& foreign) {
  std::erase_if(e.attributes_for_update(),
                [](const auto& kv) { return IsNamespaceDeclaration(kv.first); });
  std::erase_if(e.children(), [&](const XmlElement& c) {
    if (c.namespace_uri().empty()) return false;
    foreign.push_back(c.name());
    return true;
  });
  for (XmlElement& c : e.children()) {
    if (c.name() == "metadata") {
      for (XmlElement& m : c.children()) DeclareOwnNamespace(m);
      continue;
    }
    SeparateForeign(c, foreign);
  }
}

}  // namespace

Result<DomainDef> DomainDef::FromElement(XmlElement element) {
  if (element.name() != "domain") {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kDomain,
                fmt::format("unexpected root element <{}>, expecting <domain>", element.name()));
  }
  DomainDef def;
  SeparateForeign(element, def.foreign_elements_);
  if (const std::string* t = element.Attribute("type")) def.type_ = *t;
  std::optional<std::string> name = element.ChildText("name");
  if (!name || name->empty()) {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kDomain, "missing domain name information");
  }
  def.name_ = *name;
  def.uuid_ = element.ChildText("uuid").value_or("");
  if (const XmlElement* mem = element.Child("memory")) {
    Result<unsigned long long> kib = ReadMemoryKib(*mem);
    if (!kib) return std::unexpected(kib.error());
    def.memory_kib_ = def.current_memory_kib_ = *kib;
  }
  if (const XmlElement* cur = element.Child("currentMemory")) {
    Result<unsigned long long> kib = ReadMemoryKib(*cur);
    if (!kib) return std::unexpected(kib.error());
    def.current_memory_kib_ = *kib;
  }
  if (std::optional<std::string> v = element.ChildText("vcpu")) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n == 0) {
      return Fail(ErrorCode::kXmlError, ErrorDomain::kDomain,
                  fmt::format("invalid vcpu count '{}'", *v));
    }
    def.vcpus_ = n;
  }
  if (const XmlElement* devices = element.Child("devices")) {
    for (const XmlElement& c : devices->children()) {
      if (c.name() != "disk") continue;
      Result<DomainDiskDef> disk = ReadDisk(c);
      if (!disk) return std::unexpected(disk.error());
      def.disks_.push_back(std::move(*disk));
    }
  }
  def.xml_ = std::move(element);
  return def;
}

Result<DomainDef> DomainDef::Parse(std::string_view xml) {
  Result<XmlElement> root = ParseXml(xml, "domain_definition", {}, ErrorDomain::kDomain);
  if (!root) return std::unexpected(root.error());
  return FromElement(std::move(*root));
}

const DomainDiskDef* DomainDef::FindDisk(std::string_view name) const {
  for (const DomainDiskDef& d : disks_) {
    if (d.target == name) return &d;
  }
  for (const DomainDiskDef& d : disks_) {
    if (!d.source.empty() && d.source == name) return &d;
  }
  return nullptr;
}

void DomainDef::set_id(std::optional<int> id) {
  if (!id) {
    xml_.RemoveAttribute("id");
    return;
  }
  // libvirt prints id right after type: <domain type='kvm' id='1'>.
  XmlElement copy(xml_.name());
  bool placed = false;
  for (const auto& [k, v] : xml_.attributes()) {
    if (k == "id") continue;
    copy.SetAttribute(k, v);
    if (k == "type") {
      copy.SetAttribute("id", std::to_string(*id));
      placed = true;
    }
  }
  if (!placed) copy.SetAttribute("id", std::to_string(*id));
  copy.set_text(xml_.text());
  copy.children() = std::move(xml_.children());
  xml_ = std::move(copy);
}

void DomainDef::set_uuid(std::string uuid) {
  uuid_ = std::move(uuid);
  if (XmlElement* u = xml_.MutableChild("uuid")) {
    u->set_text(uuid_);
    return;
  }
  // <uuid> follows <name> in libvirt's order.
  auto& kids = xml_.children();
  auto pos = kids.begin();
  while (pos != kids.end() && pos->name() != "name") ++pos;
  if (pos != kids.end()) ++pos;
  XmlElement u("uuid");
  u.set_text(uuid_);
  kids.insert(pos, std::move(u));
}

void DomainDef::Write(std::string& out, unsigned flags, int indent) const {
  if ((flags & kDomainFormatSecure) && !(flags & kDomainFormatInactive)) {
    xml_.Write(out, indent);
    return;
  }
  XmlElement copy = xml_;
  if (!(flags & kDomainFormatSecure)) StripSecrets(copy);
  if (flags & kDomainFormatInactive) copy.RemoveAttribute("id");
  copy.Write(out, indent);
}

std::string DomainDef::Format(unsigned flags, int indent) const {
  std::string out;
  Write(out, flags, indent);
  return out;
}

}  // namespace cairn::conf
