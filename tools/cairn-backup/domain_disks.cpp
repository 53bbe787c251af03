#include "tools/cairn-backup/domain_disks.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

namespace cairn::backup {
namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string Attribute(xmlNode* node, const char* name) {
  xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

xmlNode* Child(xmlNode* node, std::string_view name) {
  for (xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && name == reinterpret_cast<const char*>(c->name)) return c;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<DomainDisk>> ParseDomainDisks(std::string_view xml) {
  std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()),
                                                     "domain.xml", nullptr,
                                                     XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                         XML_PARSE_NOWARNING));
  if (!doc) {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kNone, "the domain XML is not well-formed");
  }
  std::vector<DomainDisk> disks;
  xmlNode* devices = Child(xmlDocGetRootElement(doc.get()), "devices");
  for (xmlNode* d = devices ? devices->children : nullptr; d; d = d->next) {
    if (d->type != XML_ELEMENT_NODE || std::string_view("disk") !=
                                           reinterpret_cast<const char*>(d->name)) {
      continue;
    }
    const std::string device = Attribute(d, "device");
    if (!device.empty() && device != "disk") continue;  // cdrom, floppy, lun
    DomainDisk disk;
    disk.target = Attribute(Child(d, "target"), "dev");
    disk.format = Attribute(Child(d, "driver"), "type");
    xmlNode* source = Child(d, "source");
    disk.source = Attribute(source, "file");
    if (disk.source.empty()) disk.source = Attribute(source, "dev");
    disk.read_only = Child(d, "readonly") != nullptr;
    if (!disk.target.empty()) disks.push_back(std::move(disk));
  }
  return disks;
}

}  // namespace cairn::backup
