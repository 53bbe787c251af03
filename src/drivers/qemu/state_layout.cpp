// StateLayout paths.
#include "drivers/qemu/state_layout.hpp"

#include <fmt/format.h>

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
  for (const char* sub : {"domains", "checkpoints", "run", "locks"}) {
    if (Status ok = util::EnsureDirectory(root_ / sub, 0755); !ok) return ok;
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
