#include "tools/cairn-backup/backup_selector.hpp"

#include <fmt/format.h>

namespace cairn::backup {

Result<repo::BackupManifest> SelectBackup(const repo::Repository& repository,
                                          std::string_view selector) {
  const std::size_t at = selector.find('@');
  const std::string_view domain = selector.substr(0, at);
  const std::string_view wanted = at == std::string_view::npos ? "" : selector.substr(at + 1);
  Result<std::vector<repo::BackupManifest>> all = repository.ListBackups(domain);
  if (!all) return std::unexpected(all.error());
  if (all->empty()) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                fmt::format("the repository holds no backup of domain '{}'", domain));
  }
  if (wanted.empty() || wanted == "latest") return all->back();
  const repo::BackupManifest* found = nullptr;
  for (const repo::BackupManifest& m : *all) {
    if (m.id.rfind(wanted, 0) != 0) continue;
    if (m.id == wanted) return m;
    if (found) {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                  fmt::format("'{}' matches several backups of '{}' ({}, {}, ...): give more "
                              "of the id",
                              wanted, domain, found->id, m.id));
    }
    found = &m;
  }
  if (!found) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                fmt::format("domain '{}' has no backup '{}'; 'cairn-backup list {}' shows them",
                            domain, wanted, domain));
  }
  return *found;
}

}  // namespace cairn::backup
