// XmlDocument: libxml2 parsing, XPath evaluation and serialisation.
#include "tools/cairn/xml_document.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

namespace cairn::cli {
namespace {

struct XPathContextFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct XPathObjectFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};
struct BufferFree {
  void operator()(xmlBuffer* b) const { xmlBufferFree(b); }
};
struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// libxml2 reports XPath syntax errors on stderr by default; cairn reports its own.
void IgnoreStructuredError(void*, const xmlError*) {}

std::unique_ptr<xmlXPathObject, XPathObjectFree> Evaluate(xmlDoc* doc, std::string_view expr,
                                                          xmlNode* context) {
  std::unique_ptr<xmlXPathContext, XPathContextFree> ctxt(xmlXPathNewContext(doc));
  if (!ctxt) return nullptr;
  ctxt->node = context != nullptr ? context : xmlDocGetRootElement(doc);
  xmlSetStructuredErrorFunc(nullptr, reinterpret_cast<xmlStructuredErrorFunc>(
                                         reinterpret_cast<void*>(IgnoreStructuredError)));
  std::string e(expr);
  std::unique_ptr<xmlXPathObject, XPathObjectFree> obj(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(e.c_str()), ctxt.get()));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  return obj;
}

}  // namespace

std::optional<XmlDocument> XmlDocument::Parse(std::string_view text, bool drop_blanks) {
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  if (drop_blanks) options |= XML_PARSE_NOBLANKS;
  xmlDoc* doc =
      xmlReadMemory(text.data(), static_cast<int>(text.size()), "noname.xml", nullptr, options);
  if (doc == nullptr) return std::nullopt;
  if (xmlDocGetRootElement(doc) == nullptr) {
    xmlFreeDoc(doc);
    return std::nullopt;
  }
  return XmlDocument(doc);
}

XmlDocument::XmlDocument(XmlDocument&& other) noexcept : doc_(other.doc_) { other.doc_ = nullptr; }

XmlDocument& XmlDocument::operator=(XmlDocument&& other) noexcept {
  std::swap(doc_, other.doc_);
  return *this;
}

XmlDocument::~XmlDocument() {
  if (doc_ != nullptr) xmlFreeDoc(doc_);
}

std::optional<std::string> XmlDocument::String(std::string_view expr, xmlNode* context) const {
  auto obj = Evaluate(doc_, expr, context);
  if (!obj) return std::nullopt;
  xmlChar* s = xmlXPathCastToString(obj.get());
  std::optional<std::string> out;
  if (s != nullptr && *s != 0) out = reinterpret_cast<const char*>(s);
  xmlFree(s);
  return out;
}

std::optional<std::vector<xmlNode*>> XmlDocument::Nodes(std::string_view expr,
                                                        xmlNode* context) const {
  auto obj = Evaluate(doc_, expr, context);
  if (!obj || obj->type != XPATH_NODESET) return std::nullopt;
  std::vector<xmlNode*> nodes;
  if (obj->nodesetval != nullptr) {
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) nodes.push_back(obj->nodesetval->nodeTab[i]);
  }
  return nodes;
}

std::string XmlDocument::Serialize(xmlNode* node) {
  std::unique_ptr<xmlBuffer, BufferFree> buf(xmlBufferCreate());
  xmlNodeDump(buf.get(), node->doc, node, 0, 1);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
                     static_cast<std::size_t>(xmlBufferLength(buf.get())));
}

std::string XmlDocument::SerializeWrapped(const std::vector<xmlNode*>& nodes) {
  std::unique_ptr<xmlDoc, DocFree> doc(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
  xmlNode* root = xmlNewNode(nullptr, reinterpret_cast<const xmlChar*>("nodes"));
  xmlDocSetRootElement(doc.get(), root);
  for (xmlNode* n : nodes) xmlAddChild(root, xmlDocCopyNode(n, doc.get(), 1));
  return Serialize(root);
}

}  // namespace cairn::cli
