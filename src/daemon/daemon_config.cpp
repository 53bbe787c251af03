// DaemonConfig: the parser, one line at a time.
#include "daemon/daemon_config.hpp"

#include <fmt/format.h>

#include <set>
#include <sstream>

#include "util/atomic_file.hpp"

namespace cairn::daemon {
namespace {

std::string_view Trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The line without its comment: a '#' outside double quotes.
std::string_view StripComment(std::string_view line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted) return line.substr(0, i);
  }
  return line;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

class LineParser {
 public:
  LineParser(std::string_view file, int line, std::string_view key, std::string_view value)
      : file_(file), line_(line), key_(key), value_(value) {}

  Error Bad(std::string_view why) const {
    return Error(ErrorCode::kInvalidArg, ErrorDomain::kConf,
                 fmt::format("{}:{}: setting '{}' {}", file_, line_, key_, why));
  }

  Result<std::string> String() const {
    if (value_.size() < 2 || value_.front() != '"' || value_.back() != '"' ||
        value_.substr(1, value_.size() - 2).find('"') != std::string_view::npos) {
      return std::unexpected(Bad("wants a quoted string"));
    }
    return std::string(value_.substr(1, value_.size() - 2));
  }

  Result<bool> Boolean() const {
    if (value_ == "1") return true;
    if (value_ == "0") return false;
    return std::unexpected(Bad("wants 0 or 1"));
  }

  Result<unsigned> Mode() const {
    // libvirtd.conf writes modes as strings ("0770"); a bare number is taken too.
    std::string_view v = value_;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (v.empty() || v.find_first_not_of("01234567") != std::string_view::npos) {
      return std::unexpected(Bad("wants an octal mode such as 0770"));
    }
    const unsigned long m = std::stoul(std::string(v), nullptr, 8);
    if (m > 0777) return std::unexpected(Bad("wants an octal mode such as 0770"));
    return static_cast<unsigned>(m);
  }

 private:
  std::string_view file_;
  int line_;
  std::string_view key_, value_;
};

template <typename T>
Status Set(std::optional<T>& slot, Result<T> value) {
  if (!value) return std::unexpected(value.error());
  slot = std::move(*value);
  return {};
}

}  // namespace

std::string DaemonConfig::QemuUriParameters() const {
  std::string out;
  auto add = [&](std::string_view key, std::string_view value) {
    out += fmt::format("&{}={}", key, PercentEncode(value));
  };
  if (user) add("user", *user);
  if (group) add("group", *group);
  if (seccomp_sandbox) add("seccomp_sandbox", *seccomp_sandbox ? "1" : "0");
  if (tls_x509_cert_dir) add("tls_x509_cert_dir", *tls_x509_cert_dir);
  if (tls_x509_verify) add("tls_x509_verify", *tls_x509_verify ? "1" : "0");
  return out;
}

Result<DaemonConfig> ParseDaemonConfig(std::string_view text, std::string_view file) {
  DaemonConfig c;
  std::set<std::string, std::less<>> seen;
  int number = 0;
  std::istringstream lines{std::string(text)};
  for (std::string raw; std::getline(lines, raw);) {
    ++number;
    const std::string_view line = Trim(StripComment(raw));
    if (line.empty()) continue;
    const std::size_t eq = line.find('=');
    const std::string_view key = Trim(line.substr(0, eq));
    if (eq == std::string_view::npos || key.empty() ||
        key.find_first_of(" \t") != std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kConf,
                  fmt::format("{}:{}: expected 'key = value', not '{}'", file, number, line));
    }
    const LineParser p(file, number, key, Trim(line.substr(eq + 1)));
    if (!seen.insert(std::string(key)).second) return std::unexpected(p.Bad("is set twice"));
    Status ok;
    if (key == "user") {
      ok = Set(c.user, p.String());
    } else if (key == "group") {
      ok = Set(c.group, p.String());
    } else if (key == "seccomp_sandbox") {
      ok = Set(c.seccomp_sandbox, p.Boolean());
    } else if (key == "tls_x509_cert_dir") {
      ok = Set(c.tls_x509_cert_dir, p.String());
      if (ok && !c.tls_x509_cert_dir->starts_with('/')) {
        return std::unexpected(p.Bad("wants an absolute directory"));
      }
    } else if (key == "tls_x509_verify") {
      ok = Set(c.tls_x509_verify, p.Boolean());
    } else if (key == "unix_sock_rw_perms") {
      ok = Set(c.unix_sock_rw_perms, p.Mode());
    } else if (key == "unix_sock_group") {
      ok = Set(c.unix_sock_group, p.String());
    } else {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kConf,
                  fmt::format("{}:{}: unknown setting '{}'", file, number, key));
    }
    if (!ok) return std::unexpected(ok.error());
  }
  return c;
}

Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& path) {
  Result<std::string> text = util::ReadFile(path);
  if (!text) return std::unexpected(text.error());
  return ParseDaemonConfig(*text, path.native());
}

}  // namespace cairn::daemon
