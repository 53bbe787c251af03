// cairn-backup/xml_nodes.hpp — the few libxml2 reads the tool makes of the documents a
// connection gives it (domain and checkpoint XML): a parsed document that frees itself,
// elements by name, attributes as strings. Thread rule: plain functions; a Document is
// used by one thread at a time.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>

namespace cairn::backup::xml {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Document = std::unique_ptr<xmlDoc, DocFree>;

// `text` parsed without network access and without printing libxml2's messages; null if it
// is not well-formed. `url` names it in libxml2's own bookkeeping ("domain.xml").
Document Read(std::string_view text, const char* url);

// True if `node` is an element named `name` (false for null).
bool Named(const xmlNode* node, std::string_view name);
// The first child element of `node` named `name`, or null (also for a null `node`).
xmlNode* Child(xmlNode* node, std::string_view name);
// Attribute `name` of `node`, or "" when absent (also for a null `node`).
std::string Attribute(xmlNode* node, const char* name);

}  // namespace cairn::backup::xml
