// <domaincheckpoint> parse, format and disk alignment.
#include "conf/checkpoint_def.hpp"

#include <fmt/format.h>

#include <charconv>
#include <unordered_set>

namespace cairn::conf {
namespace {

constexpr ErrorDomain kDom = ErrorDomain::kDomainCheckpoint;

Result<CheckpointDiskDef> ReadDisk(const XmlElement& e) {
  CheckpointDiskDef d;
  const std::string* name = e.Attribute("name");
  if (name == nullptr || name->empty()) {
    return Fail(ErrorCode::kXmlError, kDom, "missing name from disk checkpoint element");
  }
  d.name = *name;
  d.type = CheckpointDiskType::kBitmap;  // a listed disk is tracked unless it says no
  if (const std::string* type = e.Attribute("checkpoint")) {
    if (*type == "no") {
      d.type = CheckpointDiskType::kNo;
    } else if (*type == "bitmap") {
      d.type = CheckpointDiskType::kBitmap;
    } else {
      return Fail(ErrorCode::kConfigUnsupported, kDom,
                  fmt::format("unknown disk checkpoint type '{}'", *type));
    }
  }
  if (const std::string* bitmap = e.Attribute("bitmap")) d.bitmap = *bitmap;
  return d;
}

Result<std::int64_t> ReadCreationTime(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Fail(ErrorCode::kXmlError, kDom,
                fmt::format("malformed creationTime '{}'", text));
  }
  return value;
}

const char* DiskTypeName(CheckpointDiskType t) {
  switch (t) {
    case CheckpointDiskType::kNo: return "no";
    case CheckpointDiskType::kBitmap: return "bitmap";
    case CheckpointDiskType::kDefault: break;
  }
  return nullptr;
}

}  // namespace

Status ValidateCheckpointName(std::string_view name) {
  if (name.empty()) {
    return Fail(ErrorCode::kInvalidArg, kDom, "checkpoint name must not be empty");
  }
  if (name.size() > 255) {
    return Fail(ErrorCode::kInvalidArg, kDom,
                fmt::format("checkpoint name '{}...' is longer than 255 bytes",
                            name.substr(0, 32)));
  }
  if (name.front() == '.') {
    return Fail(ErrorCode::kInvalidArg, kDom,
                fmt::format("checkpoint name '{}' must not start with '.'", name));
  }
  for (char c : name) {
    if (c == '/') {
      return Fail(ErrorCode::kInvalidArg, kDom,
                  fmt::format("checkpoint name '{}' must not contain '/'", name));
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArg, kDom,
                  "checkpoint name must not contain control characters");
    }
  }
  return {};
}

Result<CheckpointDef> ParseCheckpointXml(std::string_view xml, unsigned flags) {
  Result<XmlElement> root = ParseXml(xml, "domain_checkpoint", "domaincheckpoint.rng", kDom,
                                     "domaincheckpoint");
  if (!root) return std::unexpected(root.error());
  const bool redefine = flags & kCheckpointParseRedefine;

  CheckpointDef def;
  if (std::optional<std::string> name = root->ChildText("name")) {
    def.name = *name;
    if (Status ok = ValidateCheckpointName(def.name); !ok) return std::unexpected(ok.error());
  } else if (redefine) {
    return Fail(ErrorCode::kXmlError, kDom, "a redefined checkpoint must have a name");
  }
  def.description = root->ChildText("description").value_or("");

  if (redefine) {
    if (const XmlElement* parent = root->Child("parent")) {
      def.parent = parent->ChildText("name").value_or("");
    }
    std::optional<std::string> created = root->ChildText("creationTime");
    if (!created) {
      return Fail(ErrorCode::kInternalError, kDom, "missing creationTime from existing checkpoint");
    }
    Result<std::int64_t> t = ReadCreationTime(*created);
    if (!t) return std::unexpected(t.error());
    def.creation_time = *t;
    if (const XmlElement* dom = root->Child("domain")) {
      Result<DomainDef> d = DomainDef::FromElement(*dom);
      if (!d) return std::unexpected(d.error());
      def.domain = std::move(*d);
    }
  }

  if (const XmlElement* disks = root->Child("disks")) {
    for (const XmlElement& e : disks->children()) {
      if (e.name() != "disk") continue;
      Result<CheckpointDiskDef> d = ReadDisk(e);
      if (!d) return std::unexpected(d.error());
      def.disks.push_back(std::move(*d));
    }
  }
  return def;
}

std::string FormatCheckpointXml(const CheckpointDef& def, unsigned flags) {
  std::string out = "<domaincheckpoint>\n";
  auto element = [&out](std::string_view tag, std::string_view text, int indent) {
    out.append(indent, ' ');
    out += fmt::format("<{}>", tag);
    AppendEscaped(out, text);
    out += fmt::format("</{}>\n", tag);
  };
  if (!def.name.empty()) element("name", def.name, 2);
  if (!def.description.empty()) element("description", def.description, 2);
  if (!def.parent.empty()) {
    out += "  <parent>\n";
    element("name", def.parent, 4);
    out += "  </parent>\n";
  }
  if (def.creation_time != 0) element("creationTime", std::to_string(def.creation_time), 2);
  if (!def.disks.empty()) {
    out += "  <disks>\n";
    for (const CheckpointDiskDef& d : def.disks) {
      out += "    <disk name='";
      AppendEscapedAttribute(out, d.name);
      out += '\'';
      if (const char* type = DiskTypeName(d.type)) out += fmt::format(" checkpoint='{}'", type);
      if (!d.bitmap.empty()) {
        out += " bitmap='";
        AppendEscapedAttribute(out, d.bitmap);
        out += '\'';
        if ((flags & kCheckpointFormatSize) && d.size) out += fmt::format(" size='{}'", *d.size);
      }
      out += "/>\n";
    }
    out += "  </disks>\n";
  }
  if (def.domain && !(flags & kCheckpointFormatNoDomain)) {
    unsigned dflags = kDomainFormatInactive;
    if (flags & kCheckpointFormatSecure) dflags |= kDomainFormatSecure;
    def.domain->Write(out, dflags, 2);
  }
  out += "</domaincheckpoint>\n";
  return out;
}

void FillDefaultBitmapNames(CheckpointDef& def) {
  for (CheckpointDiskDef& d : def.disks) {
    if (d.type == CheckpointDiskType::kBitmap && d.bitmap.empty()) d.bitmap = def.name;
  }
}

Status AlignCheckpointDisks(CheckpointDef& def, const DomainDef& domain) {
  const auto& domdisks = domain.disks();
  if (domdisks.empty()) {
    return Fail(ErrorCode::kConfigUnsupported, kDom,
                "domain must have at least one disk to perform checkpoints");
  }
  if (def.disks.size() > domdisks.size()) {
    return Fail(ErrorCode::kConfigUnsupported, kDom,
                "too many disk checkpoint requests for domain");
  }
  const bool listed_any = !def.disks.empty();

  // Resolve each listed entry to a domain disk index, renaming paths to targets.
  std::vector<const CheckpointDiskDef*> by_domain_disk(domdisks.size(), nullptr);
  for (CheckpointDiskDef& d : def.disks) {
    const DomainDiskDef* dd = domain.FindDisk(d.name);
    if (dd == nullptr) {
      return Fail(ErrorCode::kConfigUnsupported, kDom, fmt::format("no disk named '{}'", d.name));
    }
    std::size_t idx = static_cast<std::size_t>(dd - domdisks.data());
    if (by_domain_disk[idx] != nullptr) {
      return Fail(ErrorCode::kConfigUnsupported, kDom,
                  fmt::format("disk '{}' specified twice", d.name));
    }
    if (d.type == CheckpointDiskType::kDefault) d.type = CheckpointDiskType::kBitmap;
    if (d.type != CheckpointDiskType::kNo && (dd->empty() || dd->readonly)) {
      return Fail(ErrorCode::kConfigUnsupported, kDom,
                  fmt::format("disk '{}' is empty or readonly", d.name));
    }
    d.name = dd->target;
    by_domain_disk[idx] = &d;
  }

  std::vector<CheckpointDiskDef> aligned;
  aligned.reserve(domdisks.size());
  for (std::size_t i = 0; i < domdisks.size(); ++i) {
    if (by_domain_disk[i] != nullptr) {
      aligned.push_back(*by_domain_disk[i]);
      continue;
    }
    CheckpointDiskDef d;
    d.name = domdisks[i].target;
    bool track = !listed_any && !domdisks[i].empty() && !domdisks[i].readonly;
    d.type = track ? CheckpointDiskType::kBitmap : CheckpointDiskType::kNo;
    aligned.push_back(std::move(d));
  }
  def.disks = std::move(aligned);
  FillDefaultBitmapNames(def);
  return {};
}

}  // namespace cairn::conf
