// DumpXml: virshDumpXML's --xpath/--wrap filtering.
#include "tools/cairn/dump_xml.hpp"

#include <fmt/format.h>

#include "tools/cairn/xml_document.hpp"

namespace cairn::cli {

bool DumpXml(Session& session, const std::string& xml, const std::optional<std::string>& xpath,
             bool wrap) {
  if (!xpath) {
    session.out().Print(xml);
    return true;
  }
  std::optional<XmlDocument> doc = XmlDocument::Parse(xml, /*drop_blanks=*/true);
  if (!doc) {
    session.SetError(Error(ErrorCode::kXmlError, ErrorDomain::kXml, "malformed XML document"));
    return false;
  }
  std::optional<std::vector<_xmlNode*>> nodes = doc->Nodes(*xpath);
  if (!nodes) {
    session.SetError(Error(ErrorCode::kInternalError, ErrorDomain::kXml,
                           fmt::format("Incorrect xpath '{}'", *xpath)));
    return false;
  }
  if (wrap) {
    session.out().Print(XmlDocument::SerializeWrapped(*nodes) + "\n");
    return true;
  }
  for (_xmlNode* n : *nodes) session.out().Print(XmlDocument::Serialize(n) + "\n");
  return true;
}

}  // namespace cairn::cli
