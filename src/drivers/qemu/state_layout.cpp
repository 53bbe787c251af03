// StateLayout paths.
#include "drivers/qemu/state_layout.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/atomic_file.hpp"

namespace cairn::drivers::qemu {

std::filesystem::path StateLayout::DomainXml(std::string_view name) const {
  return domains_dir() / (std::string(name) + ".xml");
}
std::filesystem::path StateLayout::CheckpointDir(std::string_view name) const {
  return root_ / "checkpoints" / std::string(name);
}
std::filesystem::path StateLayout::RunDir(std::string_view name) const {
  return root_ / "run" / std::string(name);
}
std::filesystem::path StateLayout::LockFile(std::string_view name) const {
  return root_ / "locks" / (std::string(name) + ".lock");
}

Status StateLayout::Prepare() const {
  // Private to its owner: definitions may hold secrets (a VNC password), and a QEMU that runs
  // as another user reaches only what it was given (file_ownership.hpp), never the root.
  if (Status ok = util::EnsureDirectory(root_, 0700); !ok) return ok;
  struct stat st;
  const bool owned_wider = ::stat(root_.c_str(), &st) == 0 && st.st_uid == ::geteuid() &&
                           (st.st_mode & 0777) != 0700;
  if (owned_wider && ::chmod(root_.c_str(), 0700) != 0) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kQemu,
                fmt::format("cannot make '{}' private: {}", root_.native(), std::strerror(errno)));
  }
  for (const char* sub : {"domains", "checkpoints", "run", "locks"}) {
    if (Status ok = util::EnsureDirectory(root_ / sub, 0700); !ok) return ok;
  }
  return {};
}

Status ValidateDomainName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kQemu,
                fmt::format("domain name '{}' {}", name, why));
  };
  if (name.empty()) return bad("must not be empty");
  if (name.size() > kMaxDomainNameBytes) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kQemu,
                fmt::format("domain name '{}...' is {} bytes long; the qemu driver stores names "
                            "of at most {} bytes",
                            name.substr(0, 32), name.size(), kMaxDomainNameBytes));
  }
  if (name.front() == '.') return bad("must not start with '.'");
  for (char c : name) {
    if (c == '/') return bad("must not contain '/'");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return bad("must not contain control characters");
    }
  }
  return {};
}

}  // namespace cairn::drivers::qemu
