// QemuDriverOptions from URI parameters.
#include "drivers/qemu/qemu_driver_options.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;

Error Bad(std::string_view key, std::string_view value, std::string_view why) {
  return Error(ErrorCode::kInvalidArg, kErr,
               fmt::format("qemu driver option {}='{}': {}", key, value, why));
}

// A name, or a number as libvirt's qemu.conf takes it ("+107").
std::optional<unsigned long> Number(std::string_view v) {
  if (v.starts_with('+')) v.remove_prefix(1);
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stoul(std::string(v));
}

Result<bool> Boolean(std::string_view key, std::string_view v) {
  if (v == "1") return true;
  if (v == "0") return false;
  return std::unexpected(Bad(key, v, "must be 0 or 1"));
}

}  // namespace

std::optional<QemuRunAs> QemuDriverOptions::EffectiveRunAs() const {
  if (!run_as || ::geteuid() != 0) return std::nullopt;
  return run_as;
}

Result<QemuDriverOptions> QemuDriverOptionsFromQuery(
    const std::map<std::string, std::string, std::less<>>& query) {
  QemuDriverOptions o;
  std::optional<gid_t> user_gid, group_gid;
  std::optional<uid_t> uid;
  if (auto it = query.find("user"); it != query.end()) {
    const std::string& v = it->second;
    if (std::optional<unsigned long> n = Number(v)) {
      uid = static_cast<uid_t>(*n);
      const passwd* pw = ::getpwuid(*uid);
      user_gid = pw != nullptr ? pw->pw_gid : static_cast<gid_t>(*n);
    } else if (const passwd* pw = ::getpwnam(v.c_str())) {
      uid = pw->pw_uid;
      user_gid = pw->pw_gid;
    } else {
      return std::unexpected(Bad("user", v, "no such user"));
    }
  }
  if (auto it = query.find("group"); it != query.end()) {
    const std::string& v = it->second;
    if (std::optional<unsigned long> n = Number(v)) {
      group_gid = static_cast<gid_t>(*n);
    } else if (const group* g = ::getgrnam(v.c_str())) {
      group_gid = g->gr_gid;
    } else {
      return std::unexpected(Bad("group", v, "no such group"));
    }
  }
  // libvirt: user without group runs in the user's primary group; group alone keeps root.
  if (uid || group_gid) {
    o.run_as = QemuRunAs{.uid = uid.value_or(0), .gid = group_gid.value_or(user_gid.value_or(0))};
  }
  if (auto it = query.find("seccomp_sandbox"); it != query.end()) {
    Result<bool> b = Boolean("seccomp_sandbox", it->second);
    if (!b) return std::unexpected(b.error());
    o.seccomp_sandbox = *b;
  }
  if (auto it = query.find("tls_x509_verify"); it != query.end()) {
    Result<bool> b = Boolean("tls_x509_verify", it->second);
    if (!b) return std::unexpected(b.error());
    o.tls_x509_verify = *b;
  }
  if (auto it = query.find("tls_x509_cert_dir"); it != query.end()) {
    if (!it->second.starts_with('/')) {
      return std::unexpected(Bad("tls_x509_cert_dir", it->second, "must be an absolute path"));
    }
    o.tls_x509_cert_dir = it->second;
  }
  return o;
}

}  // namespace cairn::drivers::qemu
