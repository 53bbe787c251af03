// ParseXml: libxml2 document parsing and RelaxNG validation, converted into XmlElement.
// libxml2 objects never leave this file; each is owned by a unique_ptr with its free function.
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>

#include "conf/embedded_schema.hpp"
#include "conf/xml_element.hpp"

namespace cairn::conf {
namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct ParserCtxtFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct RngParserFree {
  void operator()(xmlRelaxNGParserCtxt* c) const { xmlRelaxNGFreeParserCtxt(c); }
};
struct RngFree {
  void operator()(xmlRelaxNG* r) const { xmlRelaxNGFree(r); }
};
struct RngValidFree {
  void operator()(xmlRelaxNGValidCtxt* c) const { xmlRelaxNGFreeValidCtxt(c); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

bool IsBlank(const xmlChar* s) {
  for (; s != nullptr && *s != 0; ++s) {
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return false;
  }
  return true;
}

std::string AsString(const xmlChar* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

std::string Qualified(const xmlNs* ns, const xmlChar* local) {
  if (ns == nullptr || ns->prefix == nullptr) return AsString(local);
  return AsString(ns->prefix) + ":" + AsString(local);
}

Result<XmlElement> Convert(const xmlNode* node, std::string_view what, ErrorDomain domain) {
  XmlElement e(Qualified(node->ns, node->name));
  if (node->ns != nullptr) e.set_namespace_uri(AsString(node->ns->href));
  for (const xmlNs* ns = node->nsDef; ns != nullptr; ns = ns->next) {
    e.SetAttribute(ns->prefix != nullptr ? "xmlns:" + AsString(ns->prefix) : "xmlns",
                   AsString(ns->href));
  }
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    xmlChar* v = xmlNodeListGetString(node->doc, a->children, 1);
    e.SetAttribute(Qualified(a->ns, a->name), AsString(v));
    xmlFree(v);
  }
  bool has_elements = false;
  bool has_text = false;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) has_elements = true;
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && !IsBlank(c->content)) {
      has_text = true;
    }
  }
  if (has_elements && has_text) {
    return Fail(ErrorCode::kXmlError, domain,
                fmt::format("({}):{}: element <{}> mixes text and child elements", what,
                            xmlGetLineNo(node), e.name()));
  }
  std::string text;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      Result<XmlElement> child = Convert(c, what, domain);
      if (!child) return child;
      e.AddChild(std::move(*child));
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (!has_elements) text += AsString(c->content);
    } else if (c->type == XML_ENTITY_REF_NODE) {
      // Unreachable without a DTD; refused rather than silently dropped.
      return Fail(ErrorCode::kXmlError, domain,
                  fmt::format("({}):{}: entity reference '&{};' is not supported", what,
                              xmlGetLineNo(c), AsString(c->name)));
    }
  }
  e.set_text(std::move(text));
  return e;
}

void CollectError(void* sink, xmlErrorPtr err) {
  auto* messages = static_cast<std::string*>(sink);
  std::string msg = AsString(reinterpret_cast<const xmlChar*>(err->message));
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  if (!messages->empty()) *messages += '\n';
  *messages += msg;
}

// Compiled schemas are built once and shared: libxml2 allows concurrent validation against
// one xmlRelaxNG as long as each validation has its own context.
Result<xmlRelaxNG*> CompiledSchema(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<xmlRelaxNG, RngFree>, std::less<>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return it->second.get();
  std::string_view text = EmbeddedSchema(name);
  if (text.empty()) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kXml,
                fmt::format("no embedded schema named '{}'", name));
  }
  std::unique_ptr<xmlRelaxNGParserCtxt, RngParserFree> pctxt(
      xmlRelaxNGNewMemParserCtxt(text.data(), static_cast<int>(text.size())));
  std::string messages;
  xmlRelaxNGSetParserStructuredErrors(pctxt.get(), CollectError, &messages);
  std::unique_ptr<xmlRelaxNG, RngFree> rng(xmlRelaxNGParse(pctxt.get()));
  if (!rng) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kXml,
                fmt::format("unable to compile schema '{}': {}", name, messages));
  }
  xmlRelaxNG* raw = rng.get();
  cache.emplace(std::string(name), std::move(rng));
  return raw;
}

// libvirt's catchXMLError: the first fatal error, with the line it is on and a pointer to
// the column, from the parser's position when libxml2 reports it.
struct ParseFailure {
  bool seen = false;
  std::string message;
};

void CatchXmlError(void* ctx, const char*, ...) {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  if (ctxt == nullptr || ctxt->_private == nullptr) return;
  auto* failure = static_cast<ParseFailure*>(ctxt->_private);
  if (failure->seen || ctxt->input == nullptr || ctxt->lastError.level != XML_ERR_FATAL ||
      ctxt->lastError.message == nullptr) {
    return;
  }
  failure->seen = true;
  const xmlChar* cur = ctxt->input->cur;
  const xmlChar* base = ctxt->input->base;
  while (cur > base && (*cur == '\n' || *cur == '\r')) --cur;
  while (cur > base && *cur != '\n' && *cur != '\r') --cur;
  if (*cur == '\n' || *cur == '\r') ++cur;
  const std::size_t col = static_cast<std::size_t>(ctxt->input->cur - cur);
  std::string context;
  while (*cur != 0 && *cur != '\n' && *cur != '\r') context += static_cast<char>(*cur++);
  std::string pointer;
  for (std::size_t n = 0; n < col && n < context.size(); ++n) {
    pointer += context[n] == '\t' ? '\t' : '-';
  }
  pointer += '^';
  // libvirt prints an empty context line through "%s" of NULL: "(null)".
  if (context.empty()) context = "(null)";
  std::string reason = AsString(reinterpret_cast<const xmlChar*>(ctxt->lastError.message));
  if (ctxt->lastError.file != nullptr) {
    failure->message = fmt::format("{}:{}: {}{}\n{}", ctxt->lastError.file,
                                   ctxt->lastError.line, reason, context, pointer);
  } else {
    failure->message = fmt::format("at line {}: {}{}\n{}", ctxt->lastError.line, reason,
                                   context, pointer);
  }
}

}  // namespace

Result<XmlElement> ParseXml(std::string_view text, std::string_view what, std::string_view schema,
                            ErrorDomain domain, std::string_view root) {
  if (text.size() > kMaxXmlDocumentBytes) {
    return Fail(ErrorCode::kXmlError, domain,
                fmt::format("({}): document of {} bytes is larger than the limit of {} bytes", what,
                            text.size(), kMaxXmlDocumentBytes));
  }
  std::unique_ptr<xmlParserCtxt, ParserCtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) return Fail(ErrorCode::kNoMemory, domain, "");
  ParseFailure failure;
  ctxt->_private = &failure;
  ctxt->sax->error = CatchXmlError;
  const std::string url = fmt::format("({})", what);
  // No XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_HUGE: see ParseXml's contract.
  DocPtr doc(xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()),
                               url.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOWARNING));
  if (!doc || xmlDocGetRootElement(doc.get()) == nullptr) {
    if (failure.seen) return Fail(ErrorCode::kXmlDetail, domain, std::move(failure.message));
    return Fail(ErrorCode::kXmlError, domain,
                fmt::format("failed to parse xml document '{}'", url));
  }
  const xmlNode* top = xmlDocGetRootElement(doc.get());
  if (!root.empty() && AsString(top->name) != root) {
    return Fail(ErrorCode::kXmlError, ErrorDomain::kXml,
                fmt::format("expecting root element of '{}', not '{}'", root,
                            AsString(top->name)));
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return Fail(
        ErrorCode::kXmlError, domain,
        fmt::format("({}): a document type declaration (<!DOCTYPE>) is not supported", what));
  }
  if (!schema.empty()) {
    Result<xmlRelaxNG*> rng = CompiledSchema(schema);
    if (!rng) return std::unexpected(rng.error());
    std::unique_ptr<xmlRelaxNGValidCtxt, RngValidFree> vctxt(xmlRelaxNGNewValidCtxt(*rng));
    std::string messages;
    xmlRelaxNGSetValidStructuredErrors(vctxt.get(), CollectError, &messages);
    if (xmlRelaxNGValidateDoc(vctxt.get(), doc.get()) != 0) {
      return Fail(ErrorCode::kXmlInvalidSchema, domain,
                  fmt::format("Unable to validate doc against {}\n{}", schema, messages));
    }
  }
  return Convert(xmlDocGetRootElement(doc.get()), what, domain);
}

}  // namespace cairn::conf
