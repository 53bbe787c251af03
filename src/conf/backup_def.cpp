// <domainbackup> parse, format and disk alignment.
#include "conf/backup_def.hpp"

#include <fmt/format.h>

#include <charconv>

namespace cairn::conf {
namespace {

constexpr ErrorDomain kDom = ErrorDomain::kDomain;

constexpr const char* kStateNames[] = {"", "running", "complete", "failed", "cancelling",
                                       "cancelled"};

void Attr(std::string& out, std::string_view key, std::string_view value) {
  out += ' ';
  out += key;
  out += "='";
  AppendEscapedAttribute(out, value);
  out += '\'';
}

Result<unsigned> ReadUnsigned(const std::string& text, std::string_view what) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Fail(ErrorCode::kXmlError, kDom, fmt::format("invalid {} '{}'", what, text));
  }
  return value;
}

Result<BackupServerDef> ReadServer(const XmlElement& e) {
  BackupServerDef s;
  if (const std::string* t = e.Attribute("transport")) s.transport = *t;
  if (s.transport == "rdma") {
    return Fail(ErrorCode::kConfigUnsupported, kDom, "transport rdma is not supported for <server>");
  }
  if (s.transport != "tcp" && s.transport != "unix" && s.transport != "fd") {
    return Fail(ErrorCode::kConfigUnsupported, kDom,
                fmt::format("unknown transport '{}' for <server>", s.transport));
  }
  if (const std::string* tls = e.Attribute("tls")) {
    if (*tls != "yes" && *tls != "no") {
      return Fail(ErrorCode::kXmlError, kDom, fmt::format("invalid tls value '{}'", *tls));
    }
    s.tls = *tls == "yes";
  }
  if (const std::string* n = e.Attribute("name")) s.name = *n;
  if (const std::string* p = e.Attribute("port")) {
    Result<unsigned> port = ReadUnsigned(*p, "port");
    if (!port) return std::unexpected(port.error());
    s.port = *port;
  }
  if (const std::string* sock = e.Attribute("socket")) s.socket = *sock;
  if (const std::string* g = e.Attribute("fdgroup")) s.fdgroup = *g;
  if (s.transport == "unix") {
    if (s.socket.empty()) {
      return Fail(ErrorCode::kXmlError, kDom, "missing socket path for unix <server>");
    }
    if (s.socket.front() != '/') {
      return Fail(ErrorCode::kXmlError, kDom,
                  fmt::format("backup socket path '{}' must be absolute", s.socket));
    }
  }
  return s;
}

Result<BackupDiskDef> ReadDisk(const XmlElement& e, bool push, bool internal) {
  BackupDiskDef d;
  const std::string* name = e.Attribute("name");
  if (name == nullptr || name->empty()) {
    return Fail(ErrorCode::kXmlError, kDom, "missing name from disk backup element");
  }
  d.name = *name;
  if (const std::string* b = e.Attribute("backup")) {
    if (*b != "yes" && *b != "no") {
      return Fail(ErrorCode::kXmlError, kDom,
                  fmt::format("invalid disk 'backup' state '{}'", *b));
    }
    d.backup = *b == "yes";
  }
  if (!d.backup) return d;

  if (internal) {
    if (const std::string* st = e.Attribute("state")) {
      bool known = false;
      for (int i = 1; i < 6; ++i) {
        if (*st == kStateNames[i]) {
          d.state = static_cast<BackupDiskState>(i);
          known = true;
        }
      }
      if (!known) {
        return Fail(ErrorCode::kXmlError, kDom, fmt::format("unknown disk backup state '{}'", *st));
      }
    }
    if (const std::string* idx = e.Attribute("index")) {
      Result<unsigned> v = ReadUnsigned(*idx, "index");
      if (!v) return std::unexpected(v.error());
      d.index = *v;
    }
  }
  if (const std::string* m = e.Attribute("backupmode")) {
    if (*m == "full") {
      d.mode = BackupDiskMode::kFull;
    } else if (*m == "incremental") {
      d.mode = BackupDiskMode::kIncremental;
    } else {
      return Fail(ErrorCode::kXmlError, kDom, fmt::format("invalid backupmode '{}' of disk '{}'",
                                                          *m, d.name));
    }
  }
  if (const std::string* inc = e.Attribute("incremental")) d.incremental = *inc;
  if (!push) {
    if (const std::string* v = e.Attribute("exportname")) d.exportname = *v;
    if (const std::string* v = e.Attribute("exportbitmap")) d.exportbitmap = *v;
  }
  d.type = BackupStoreType::kFile;
  if (const std::string* t = e.Attribute("type")) {
    if (*t == "file") {
      d.type = BackupStoreType::kFile;
    } else if (*t == "block") {
      d.type = BackupStoreType::kBlock;
    } else {
      return Fail(ErrorCode::kXmlError, kDom, fmt::format("unsupported disk backup type '{}'", *t));
    }
  }
  if (const XmlElement* store = e.Child(push ? "target" : "scratch")) {
    const char* path_attr = d.type == BackupStoreType::kBlock ? "dev" : "file";
    if (const std::string* p = store->Attribute(path_attr)) d.store_path = *p;
    d.store_extra = store->children();
  }
  if (const XmlElement* drv = e.Child("driver")) {
    if (const std::string* f = drv->Attribute("type")) d.format = *f;
  }
  if (!push && !d.format.empty() && d.format != "qcow2") {
    return Fail(ErrorCode::kConfigUnsupported, kDom,
                fmt::format("pull mode backup for disk '{}' requires qcow2 driver", d.name));
  }
  return d;
}

void WriteDisk(std::string& out, const BackupDiskDef& d, bool push, bool internal) {
  out += "    <disk";
  Attr(out, "name", d.name);
  Attr(out, "backup", d.backup ? "yes" : "no");
  if (!d.backup) {
    out += "/>\n";
    return;
  }
  if (internal && d.state != BackupDiskState::kNone) {
    Attr(out, "state", kStateNames[static_cast<int>(d.state)]);
  }
  if (d.type != BackupStoreType::kNone) {
    Attr(out, "type", d.type == BackupStoreType::kBlock ? "block" : "file");
  }
  if (d.mode != BackupDiskMode::kDefault) {
    Attr(out, "backupmode", d.mode == BackupDiskMode::kFull ? "full" : "incremental");
  }
  if (!d.incremental.empty()) Attr(out, "incremental", d.incremental);
  if (!d.exportname.empty()) Attr(out, "exportname", d.exportname);
  if (!d.exportbitmap.empty()) Attr(out, "exportbitmap", d.exportbitmap);
  if (d.index != 0) Attr(out, "index", std::to_string(d.index));

  std::string body;
  if (!d.format.empty()) {
    body += "      <driver";
    Attr(body, "type", d.format);
    body += "/>\n";
  }
  if (!d.store_path.empty() || !d.store_extra.empty()) {
    body += push ? "      <target" : "      <scratch";
    if (!d.store_path.empty()) {
      Attr(body, d.type == BackupStoreType::kBlock ? "dev" : "file", d.store_path);
    }
    if (d.store_extra.empty()) {
      body += "/>\n";
    } else {
      body += ">\n";
      for (const XmlElement& x : d.store_extra) x.Write(body, 8);
      body += push ? "      </target>\n" : "      </scratch>\n";
    }
  }
  if (body.empty()) {
    out += "/>\n";
  } else {
    out += ">\n" + body + "    </disk>\n";
  }
}

}  // namespace

Result<BackupDef> ParseBackupXml(std::string_view xml, unsigned flags) {
  const bool internal = flags & kBackupParseInternal;
  Result<XmlElement> root =
      ParseXml(xml, "domain_backup", internal ? std::string_view() : "domainbackup.rng", kDom,
               "domainbackup");
  if (!root) return std::unexpected(root.error());
  if (root->name() != "domainbackup") {
    return Fail(ErrorCode::kXmlError, kDom,
                fmt::format("unexpected root element <{}>, expecting <domainbackup>", root->name()));
  }
  BackupDef def;
  if (const std::string* mode = root->Attribute("mode")) {
    if (*mode == "push") {
      def.mode = BackupMode::kPush;
    } else if (*mode == "pull") {
      def.mode = BackupMode::kPull;
    } else {
      return Fail(ErrorCode::kConfigUnsupported, kDom, fmt::format("unknown backup mode '{}'", *mode));
    }
  }
  const bool push = def.mode == BackupMode::kPush;
  def.incremental = root->ChildText("incremental").value_or("");
  if (const XmlElement* server = root->Child("server")) {
    if (push) {
      return Fail(ErrorCode::kConfigUnsupported, kDom, "use of <server> requires pull mode backup");
    }
    Result<BackupServerDef> s = ReadServer(*server);
    if (!s) return std::unexpected(s.error());
    def.server = std::move(*s);
  }
  if (const XmlElement* disks = root->Child("disks")) {
    for (const XmlElement& e : disks->children()) {
      if (e.name() != "disk") continue;
      Result<BackupDiskDef> d = ReadDisk(e, push, internal);
      if (!d) return std::unexpected(d.error());
      def.disks.push_back(std::move(*d));
    }
  }
  if (internal) {
    if (const XmlElement* priv = root->Child("privateData")) def.private_data = *priv;
  }
  return def;
}

std::string FormatBackupXml(const BackupDef& def, unsigned flags) {
  const bool internal = flags & kBackupParseInternal;
  const bool push = def.mode == BackupMode::kPush;
  std::string out = fmt::format("<domainbackup mode='{}'>\n", push ? "push" : "pull");
  if (!def.incremental.empty()) {
    out += "  <incremental>";
    AppendEscaped(out, def.incremental);
    out += "</incremental>\n";
  }
  if (def.server) {
    const BackupServerDef& s = *def.server;
    out += "  <server";
    Attr(out, "transport", s.transport);
    if (s.tls) Attr(out, "tls", *s.tls ? "yes" : "no");
    if (!s.name.empty()) Attr(out, "name", s.name);
    if (s.port != 0) Attr(out, "port", std::to_string(s.port));
    if (!s.socket.empty()) Attr(out, "socket", s.socket);
    if (!s.fdgroup.empty()) Attr(out, "fdgroup", s.fdgroup);
    out += "/>\n";
  }
  if (!def.disks.empty()) {
    out += "  <disks>\n";
    for (const BackupDiskDef& d : def.disks) WriteDisk(out, d, push, internal);
    out += "  </disks>\n";
  }
  if (internal && def.private_data) def.private_data->Write(out, 2);
  out += "</domainbackup>\n";
  return out;
}

Status AlignBackupDisks(BackupDef& def, const DomainDef& domain, std::string_view suffix) {
  const auto& domdisks = domain.disks();
  if (domdisks.empty()) {
    return Fail(ErrorCode::kConfigUnsupported, kDom,
                "domain must have at least one disk to perform backup");
  }
  const bool listed_any = !def.disks.empty();
  std::vector<bool> seen(domdisks.size(), false);

  auto assign_store = [&](BackupDiskDef& d, const DomainDiskDef& dd) -> Status {
    if (dd.empty()) {
      return Fail(ErrorCode::kConfigUnsupported, kDom, fmt::format("disk '{}' has no media", d.name));
    }
    if (d.type == BackupStoreType::kNone) d.type = BackupStoreType::kFile;
    if (d.store_path.empty()) {
      if (d.type != BackupStoreType::kFile || (dd.type != "file" && !dd.type.empty())) {
        return Fail(ErrorCode::kConfigUnsupported, kDom,
                    fmt::format("refusing to generate file name for disk '{}'", d.name));
      }
      d.store_path = fmt::format("{}.{}", dd.source, suffix);
    }
    return {};
  };

  for (BackupDiskDef& d : def.disks) {
    const DomainDiskDef* dd = nullptr;
    for (const DomainDiskDef& cand : domdisks) {
      if (cand.target == d.name) dd = &cand;
    }
    if (dd == nullptr) {
      return Fail(ErrorCode::kConfigUnsupported, kDom, fmt::format("no disk named '{}'", d.name));
    }
    std::size_t idx = static_cast<std::size_t>(dd - domdisks.data());
    if (seen[idx]) {
      return Fail(ErrorCode::kConfigUnsupported, kDom,
                  fmt::format("disk '{}' specified twice", d.name));
    }
    seen[idx] = true;
    if (d.mode == BackupDiskMode::kIncremental && d.incremental.empty() &&
        def.incremental.empty()) {
      return Fail(ErrorCode::kConfigUnsupported, kDom,
                  fmt::format("'incremental' backup mode of disk '{}' requires setting "
                              "'incremental' field for disk or backup",
                              d.name));
    }
    if (d.backup) {
      if (Status ok = assign_store(d, *dd); !ok) return ok;
    }
  }

  for (std::size_t i = 0; i < domdisks.size(); ++i) {
    if (seen[i]) continue;
    BackupDiskDef d;
    d.name = domdisks[i].target;
    d.backup = !listed_any && !domdisks[i].empty() && !domdisks[i].readonly;
    if (d.backup) {
      if (Status ok = assign_store(d, domdisks[i]); !ok) return ok;
    }
    def.disks.push_back(std::move(d));
  }

  for (BackupDiskDef& d : def.disks) {
    if (!d.backup) continue;
    if (d.mode == BackupDiskMode::kDefault) {
      d.mode = (!d.incremental.empty() || !def.incremental.empty()) ? BackupDiskMode::kIncremental
                                                                    : BackupDiskMode::kFull;
    }
    if (d.mode == BackupDiskMode::kIncremental && d.incremental.empty()) {
      d.incremental = def.incremental;
    }
    if (d.mode == BackupDiskMode::kFull) d.incremental.clear();
  }
  return {};
}

}  // namespace cairn::conf
