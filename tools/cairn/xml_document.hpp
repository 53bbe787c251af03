// tools/cairn/xml_document.hpp — a parsed XML document to query with XPath: the fields
// cairn reads out of domain and checkpoint XML (disks, OS type, creation time) and the
// --xpath/--wrap filter of the dumpxml commands. Owns its libxml2 objects; not copyable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct _xmlDoc;
struct _xmlNode;

namespace cairn::cli {

class XmlDocument {
 public:
  // nullopt if `text` is not well-formed XML. With `drop_blanks`, whitespace-only text
  // between elements is discarded so that re-serialised nodes are indented afresh.
  static std::optional<XmlDocument> Parse(std::string_view text, bool drop_blanks = false);

  XmlDocument(XmlDocument&&) noexcept;
  XmlDocument& operator=(XmlDocument&&) noexcept;
  ~XmlDocument();

  // The string value of `expr` evaluated at `context` (the root element if null), or
  // nullopt when it is empty, as libvirt's virXPathString treats an empty result.
  std::optional<std::string> String(std::string_view expr, _xmlNode* context = nullptr) const;
  // The nodes `expr` selects, in document order; nullopt if `expr` is not a valid
  // expression or does not evaluate to a node set.
  std::optional<std::vector<_xmlNode*>> Nodes(std::string_view expr,
                                              _xmlNode* context = nullptr) const;

  // `node` serialised with two-space indentation, no trailing newline.
  static std::string Serialize(_xmlNode* node);
  // The nodes deep-copied under a new <nodes> root element, serialised as above.
  static std::string SerializeWrapped(const std::vector<_xmlNode*>& nodes);

 private:
  explicit XmlDocument(_xmlDoc* doc) : doc_(doc) {}
  _xmlDoc* doc_;
};

}  // namespace cairn::cli
