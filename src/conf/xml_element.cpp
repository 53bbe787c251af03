// XmlElement tree operations and libvirt-style writing.
#include "conf/xml_element.hpp"

#include <algorithm>

namespace cairn::conf {

const std::string* XmlElement::Attribute(std::string_view name) const {
  for (const auto& [key, value] : attrs_) {
    if (key == name) return &value;
  }
  return nullptr;
}

void XmlElement::SetAttribute(std::string_view name, std::string value) {
  for (auto& [key, old] : attrs_) {
    if (key == name) {
      old = std::move(value);
      return;
    }
  }
  attrs_.emplace_back(std::string(name), std::move(value));
}

void XmlElement::RemoveAttribute(std::string_view name) {
  std::erase_if(attrs_, [&](const auto& kv) { return kv.first == name; });
}

const XmlElement* XmlElement::Child(std::string_view name) const {
  for (const XmlElement& c : children_) {
    if (c.name_ == name) return &c;
  }
  return nullptr;
}

XmlElement* XmlElement::MutableChild(std::string_view name) {
  for (XmlElement& c : children_) {
    if (c.name_ == name) return &c;
  }
  return nullptr;
}

XmlElement& XmlElement::AddChild(XmlElement child) {
  children_.push_back(std::move(child));
  return children_.back();
}

std::optional<std::string> XmlElement::ChildText(std::string_view name) const {
  const XmlElement* c = Child(name);
  if (c == nullptr) return std::nullopt;
  return c->text_;
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char ch : text) {
    switch (ch) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\'': out += "&apos;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;  // a parser would read a raw CR as LF
      default: out += ch;
    }
  }
}

void AppendEscapedAttribute(std::string& out, std::string_view value) {
  for (char ch : value) {
    // A parser normalises raw whitespace in an attribute value to spaces.
    switch (ch) {
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      default: AppendEscaped(out, std::string_view(&ch, 1));
    }
  }
}

void XmlElement::Write(std::string& out, int indent) const {
  out.append(indent, ' ');
  out += '<';
  out += name_;
  for (const auto& [key, value] : attrs_) {
    out += ' ';
    out += key;
    out += "='";
    AppendEscapedAttribute(out, value);
    out += '\'';
  }
  if (children_.empty()) {
    if (text_.empty()) {
      out += "/>\n";
      return;
    }
    out += '>';
    AppendEscaped(out, text_);
  } else {
    out += ">\n";
    if (!text_.empty()) {
      out.append(indent + 2, ' ');
      AppendEscaped(out, text_);
      out += '\n';
    }
    for (const XmlElement& c : children_) c.Write(out, indent + 2);
    out.append(indent, ' ');
  }
  out += "</";
  out += name_;
  out += ">\n";
}

std::string XmlElement::ToString(int indent) const {
  std::string out;
  Write(out, indent);
  return out;
}

}  // namespace cairn::conf
