#include "tools/cairn-backup/xml_nodes.hpp"

#include <libxml/parser.h>

namespace cairn::backup::xml {

Document Read(std::string_view text, const char* url) {
  return Document(xmlReadMemory(text.data(), static_cast<int>(text.size()), url, nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

bool Named(const xmlNode* node, std::string_view name) {
  return node && node->type == XML_ELEMENT_NODE &&
         name == reinterpret_cast<const char*>(node->name);
}

xmlNode* Child(xmlNode* node, std::string_view name) {
  for (xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
    if (Named(c, name)) return c;
  }
  return nullptr;
}

std::string Attribute(xmlNode* node, const char* name) {
  if (!node) return {};
  xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

}  // namespace cairn::backup::xml
