// DaemonConfig: cairnd's configuration file (default /etc/cairn/cairnd.conf for the system
// daemon; cairnd --config FILE), in the "key = value" format of libvirt's qemu.conf and
// libvirtd.conf: one setting a line, '#' starts a comment, strings in double quotes, numbers
// bare (a mode in octal: 0770). A key Cairn does not know, a value of the wrong kind or a key
// given twice is refused with the file, line and key named, never skipped: a typo in a
// security setting must not silently leave the default. Every setting is optional.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::daemon {

struct DaemonConfig {
  // qemu.conf's user / group: QEMU runs as them (a name, or "+N" for an id).
  std::optional<std::string> user;
  std::optional<std::string> group;
  // qemu.conf's seccomp_sandbox: 0 or 1. Default in the driver: 1.
  std::optional<bool> seccomp_sandbox;
  // qemu.conf's backup_tls_x509_cert_dir / default_tls_x509_cert_dir: ca-cert.pem,
  // server-cert.pem and server-key.pem for <server tls='yes'/>.
  std::optional<std::string> tls_x509_cert_dir;
  // qemu.conf's backup_tls_x509_verify: clients need a certificate of the CA. Default: 1.
  std::optional<bool> tls_x509_verify;
  // libvirtd.conf's unix_sock_rw_perms / unix_sock_group, for cairn-sock (--socket-mode and
  // --socket-group win over them).
  std::optional<unsigned> unix_sock_rw_perms;
  std::optional<std::string> unix_sock_group;

  // The qemu driver's share, as parameters to append to its embedded URI
  // ("&user=qemu&seccomp_sandbox=1", percent-encoded; empty when none is set).
  std::string QemuUriParameters() const;
};

inline constexpr std::string_view kDefaultDaemonConfig = "/etc/cairn/cairnd.conf";

// Parses `text`; `file` names it in errors. Errors: VIR_ERR_CONF_SYNTAX-like
// kInvalidArg in the kConf domain: "FILE:LINE: unknown setting 'KEY'", "...: setting 'KEY'
// wants a quoted string", "... wants 0 or 1", "... wants an octal mode", "... is set twice",
// "... expected 'key = value'".
Result<DaemonConfig> ParseDaemonConfig(std::string_view text, std::string_view file);

// Reads and parses `path`. A file that cannot be read is kSystemError naming it.
Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& path);

}  // namespace cairn::daemon
