// OwnershipLedger: "UID GID PATH" lines, one per granted file.
#include "drivers/qemu/file_ownership.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "util/atomic_file.hpp"

namespace cairn::drivers::qemu {
namespace {

struct Entry {
  uid_t uid;
  gid_t gid;
  std::string path;
};

std::vector<Entry> Load(const std::filesystem::path& ledger) {
  std::vector<Entry> out;
  Result<std::string> text = util::ReadFile(ledger);
  if (!text) return out;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    unsigned long uid = 0, gid = 0;
    if (!(fields >> uid >> gid)) continue;
    std::string path;
    std::getline(fields >> std::ws, path);
    if (!path.empty()) out.push_back({static_cast<uid_t>(uid), static_cast<gid_t>(gid), path});
  }
  return out;
}

Error SystemError(std::string_view what, const std::string& path, int err) {
  return Error(ErrorCode::kSystemError, ErrorDomain::kQemu,
               fmt::format("cannot {} '{}': {}", what, path, std::strerror(err)));
}

}  // namespace

Status OwnershipLedger::Grant(const std::string& path, const QemuRunAs& to) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::unexpected(SystemError("stat", path, errno));
  std::vector<Entry> entries = Load(ledger_);
  bool known = false;
  for (const Entry& e : entries) known |= e.path == path;
  if (!known) {
    std::string text;
    for (const Entry& e : entries) text += fmt::format("{} {} {}\n", e.uid, e.gid, e.path);
    text += fmt::format("{} {} {}\n", st.st_uid, st.st_gid, path);
    util::AtomicWriteOptions options;
    options.mode = 0600;
    if (Status ok = util::WriteFileAtomically(ledger_, text, options); !ok) return ok;
  }
  if (::chown(path.c_str(), to.uid, to.gid) != 0) {
    return std::unexpected(SystemError("give to the QEMU user", path, errno));
  }
  return {};
}

void OwnershipLedger::RestoreAll() const {
  for (const Entry& e : Load(ledger_)) (void)::chown(e.path.c_str(), e.uid, e.gid);
  std::error_code ec;
  std::filesystem::remove(ledger_, ec);
}

}  // namespace cairn::drivers::qemu
