// XmlElement: a small, copyable element tree that the conf layer parses into and formats
// from. It keeps elements, attributes (in document order) and text, and drops comments and
// processing instructions, as libvirt does when it re-formats a definition.
// Writing follows libvirt's conventions: two-space indentation, single-quoted attributes,
// self-closing empty elements, text-only elements on one line. That is what makes a domain
// element Cairn does not model survive a parse/format round trip unchanged.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/error.hpp"

namespace cairn::conf {

class XmlElement {
 public:
  XmlElement() = default;
  explicit XmlElement(std::string name) : name_(std::move(name)) {}

  // The qualified name as written: "disk", "qemu:commandline".
  const std::string& name() const { return name_; }
  // The element's namespace URI; empty for libvirt's own (unqualified) elements.
  const std::string& namespace_uri() const { return ns_uri_; }
  void set_namespace_uri(std::string uri) { ns_uri_ = std::move(uri); }

  // Attributes keep their document order; setting an existing one keeps its position.
  // Namespace declarations ("xmlns:p") are attributes too, so a namespaced subtree is written
  // back as it was read.
  const std::vector<std::pair<std::string, std::string>>& attributes() const { return attrs_; }
  const std::string* Attribute(std::string_view name) const;
  void SetAttribute(std::string_view name, std::string value);
  void RemoveAttribute(std::string_view name);
  std::vector<std::pair<std::string, std::string>>& attributes_for_update() { return attrs_; }

  // Text directly inside this element (concatenated; whitespace-only text between child
  // elements is not kept).
  const std::string& text() const { return text_; }
  void set_text(std::string text) { text_ = std::move(text); }

  std::vector<XmlElement>& children() { return children_; }
  const std::vector<XmlElement>& children() const { return children_; }
  const XmlElement* Child(std::string_view name) const;
  XmlElement* MutableChild(std::string_view name);
  XmlElement& AddChild(XmlElement child);
  // Text of the first child element called `name`, if there is one.
  std::optional<std::string> ChildText(std::string_view name) const;

  // Appends this element, indented by `indent` spaces, in libvirt's layout; ends with '\n'.
  void Write(std::string& out, int indent) const;
  std::string ToString(int indent = 0) const;

 private:
  std::string name_;
  std::string ns_uri_;
  std::vector<std::pair<std::string, std::string>> attrs_;
  std::string text_;
  std::vector<XmlElement> children_;
};

// Escapes text or an attribute value the way libvirt's formatter does (<, >, &, ', ").
// A raw CR becomes &#13; (a parser would turn it into LF).
void AppendEscaped(std::string& out, std::string_view text);
// The same for an attribute value, where LF and TAB are also written as references.
void AppendEscapedAttribute(std::string& out, std::string_view value);

// The largest document ParseXml accepts.
inline constexpr std::size_t kMaxXmlDocumentBytes = 16u << 20;

// Parses a document as libvirt's virXMLParse does, and safely: no DTD (a <!DOCTYPE> is
// refused, so no entity but the five predefined ones and character references can appear,
// and nothing is loaded), no network, libxml2's default limits (no XML_PARSE_HUGE), at most
// kMaxXmlDocumentBytes. An element that mixes non-blank text with child elements is refused:
// XmlElement cannot keep their order. Those refusals are VIR_ERR_XML_ERROR naming `what` and
// the reason. XML that is not well formed is VIR_ERR_XML_DETAIL in `domain` with libvirt's
// text: "(what):LINE: REASON" then the line in error and a "---^" pointer under the column
// (`what` is libvirt's label for the input: "domain_checkpoint", "domain_definition"). A
// non-empty `root` is the element the document must have at its root: another is
// VIR_ERR_XML_ERROR from VIR_FROM_XML, "expecting root element of 'R', not 'X'". If `schema`
// names an embedded RelaxNG schema ("domaincheckpoint.rng"), the document must then validate
// against it, else VIR_ERR_XML_INVALID_SCHEMA with libxml2's reasons.
Result<XmlElement> ParseXml(std::string_view text, std::string_view what,
                            std::string_view schema = {}, ErrorDomain domain = ErrorDomain::kXml,
                            std::string_view root = {});

}  // namespace cairn::conf
