#include "tools/cairn-backup/export_socket_dir.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>

#include "cairn/daemon_peer.hpp"
#include "tools/cairn-backup/xml_nodes.hpp"

namespace cairn::backup {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
using xml::Attribute;
using xml::Named;

// "+N" is a number; anything else a name looked up in this host's user or group database,
// as libvirt's DAC driver reads its labels.
template <typename Id>
std::optional<Id> LabelId(std::string_view part, bool group) {
  if (part.size() > 1 && part.front() == '+') {
    unsigned long v = 0;
    auto [end, ec] = std::from_chars(part.data() + 1, part.data() + part.size(), v);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    return static_cast<Id>(v);
  }
  const std::string name(part);
  if (group) {
    const struct group* g = ::getgrnam(name.c_str());
    return g ? std::optional<Id>(g->gr_gid) : std::nullopt;
  }
  const struct passwd* p = ::getpwnam(name.c_str());
  return p ? std::optional<Id>(p->pw_uid) : std::nullopt;
}

}  // namespace

Result<std::optional<ProcessUser>> ParseDacLabel(std::string_view domain_xml) {
  xml::Document doc = xml::Read(domain_xml, "domain.xml");
  if (!doc) return Fail(ErrorCode::kXmlError, kErr, "the domain XML is not well-formed");
  for (xmlNode* n = xmlDocGetRootElement(doc.get())->children; n; n = n->next) {
    if (!Named(n, "seclabel") || Attribute(n, "model") != "dac") continue;
    for (xmlNode* c = n->children; c; c = c->next) {
      if (!Named(c, "label")) continue;
      xmlChar* text = xmlNodeGetContent(c);
      const std::string label = text ? reinterpret_cast<const char*>(text) : "";
      xmlFree(text);
      const std::size_t colon = label.find(':');
      std::optional<uid_t> uid =
          colon == std::string::npos
              ? std::nullopt
              : LabelId<uid_t>(std::string_view(label).substr(0, colon), false);
      std::optional<gid_t> gid =
          colon == std::string::npos
              ? std::nullopt
              : LabelId<gid_t>(std::string_view(label).substr(colon + 1), true);
      if (!uid || !gid) {
        return Fail(
            ErrorCode::kInvalidArg, kErr,
            fmt::format("the domain's DAC label '{}' names no user and group of this host", label));
      }
      return ProcessUser{*uid, *gid};
    }
  }
  return std::optional<ProcessUser>();
}

Result<util::TempDir> MakeExportSocketDir(const Connection& connection, std::string_view domain_xml,
                                          std::string_view prefix) {
  Result<std::optional<ProcessUser>> qemu = ParseDacLabel(domain_xml);
  if (!qemu) return std::unexpected(qemu.error());
  if (!*qemu) {
    if (std::optional<DaemonPeer> daemon = DaemonPeerOf(connection)) {
      *qemu = ProcessUser{daemon->uid, daemon->gid};
    }
  }
  Result<util::TempDir> dir = util::TempDir::Create(prefix);
  if (!dir) return std::unexpected(dir.error());
  if (!*qemu || (*qemu)->uid == ::geteuid()) return dir;
  if (::chown(dir->path().c_str(), (*qemu)->uid, (*qemu)->gid) != 0) {
    if (errno == EPERM) {
      return Fail(ErrorCode::kOperationDenied, kErr,
                  fmt::format("the domain's QEMU runs as uid {}, which cannot make its backup "
                              "export's socket in a directory of uid {}: run cairn-backup as "
                              "root or as uid {}",
                              (*qemu)->uid, ::geteuid(), (*qemu)->uid));
    }
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot give '{}' to uid {}: {}", dir->path().string(), (*qemu)->uid,
                            std::strerror(errno)));
  }
  return dir;
}

}  // namespace cairn::backup
