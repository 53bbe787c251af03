#include "tools/cairn-backup/domain_disks.hpp"

#include <fmt/format.h>

#include "tools/cairn-backup/xml_nodes.hpp"

namespace cairn::backup {
namespace {

using xml::Attribute;
using xml::Child;
using xml::Named;

Result<xml::Document> ReadDomainDocument(std::string_view text) {
  xml::Document doc = xml::Read(text, "domain.xml");
  if (!doc) {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kNone, "the domain XML is not well-formed");
  }
  return doc;
}

}  // namespace

Result<std::vector<DomainDisk>> ParseDomainDisks(std::string_view xml) {
  Result<xml::Document> doc = ReadDomainDocument(xml);
  if (!doc) return std::unexpected(doc.error());
  std::vector<DomainDisk> disks;
  xmlNode* devices = Child(xmlDocGetRootElement(doc->get()), "devices");
  for (xmlNode* d = devices ? devices->children : nullptr; d; d = d->next) {
    if (!Named(d, "disk")) continue;
    const std::string device = Attribute(d, "device");
    if (!device.empty() && device != "disk") continue;  // cdrom, floppy, lun
    DomainDisk disk;
    disk.target = Attribute(Child(d, "target"), "dev");
    disk.type = Attribute(d, "type");
    disk.format = Attribute(Child(d, "driver"), "type");
    xmlNode* source = Child(d, "source");
    disk.source = Attribute(source, "file");
    if (disk.source.empty()) disk.source = Attribute(source, "dev");
    disk.read_only = Child(d, "readonly") != nullptr;
    if (!disk.target.empty()) disks.push_back(std::move(disk));
  }
  return disks;
}

Result<std::string> DomainXmlForRestore(std::string_view xml, std::string_view name,
                                        const std::vector<RestoredDisk>& disks) {
  Result<xml::Document> doc = ReadDomainDocument(xml);
  if (!doc) return std::unexpected(doc.error());
  xmlNode* root = xmlDocGetRootElement(doc->get());
  auto text = [](std::string_view v) {
    return reinterpret_cast<const xmlChar*>(v.data());
  };
  xmlNode* name_node = Child(root, "name");
  xmlChar* old_name = name_node ? xmlNodeGetContent(name_node) : nullptr;
  const bool renamed = !old_name || name != reinterpret_cast<const char*>(old_name);
  if (old_name) xmlFree(old_name);
  const std::string name_text(name);
  if (name_node) {
    xmlNodeSetContent(name_node, nullptr);
    xmlNodeAddContent(name_node, text(name_text));
  } else {
    xmlNewTextChild(root, nullptr, text("name"), text(name_text));
  }
  if (xmlNode* uuid = Child(root, "uuid"); uuid && renamed) {
    xmlUnlinkNode(uuid);
    xmlFreeNode(uuid);
  }
  xmlNode* devices = Child(root, "devices");
  for (const RestoredDisk& r : disks) {
    xmlNode* found = nullptr;
    for (xmlNode* d = devices ? devices->children : nullptr; d && !found; d = d->next) {
      if (Named(d, "disk") && Attribute(Child(d, "target"), "dev") == r.target) found = d;
    }
    if (!found) {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                  fmt::format("the saved domain has no disk '{}'", r.target));
    }
    xmlSetProp(found, text("type"), text("file"));
    xmlNode* source = Child(found, "source");
    if (!source) source = xmlNewChild(found, nullptr, text("source"), nullptr);
    xmlUnsetProp(source, text("dev"));
    xmlSetProp(source, text("file"), text(r.path));
    xmlNode* driver = Child(found, "driver");
    if (!driver) {
      driver = xmlNewChild(found, nullptr, text("driver"), nullptr);
      xmlSetProp(driver, text("name"), text("qemu"));
    }
    xmlSetProp(driver, text("type"), text(r.format));
  }
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpFormatMemory(doc->get(), &out, &size, 0);
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  xmlFree(out);
  return result;
}

}  // namespace cairn::backup
