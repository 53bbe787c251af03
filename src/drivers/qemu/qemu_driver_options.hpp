// QemuDriverOptions: what a daemon's configuration (cairnd.conf, as libvirt's qemu.conf)
// tells the qemu driver: the user and group QEMU runs as, QEMU's seccomp sandbox, and the
// x509 directory of TLS pull-backup exports. They travel as parameters of the embedded URI
// (qemu:///embed?root=DIR&user=...&group=...&seccomp_sandbox=0|1&tls_x509_cert_dir=DIR&
// tls_x509_verify=0|1), so a daemon and any program opening the same root say the same.
// Names resolve to ids when parsed; a user or group that does not exist is an error.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

#include "cairn/error.hpp"

namespace cairn::drivers::qemu {

struct QemuRunAs {
  uid_t uid = 0;
  gid_t gid = 0;
};

struct QemuDriverOptions {
  // The user and group QEMU drops to once it has opened its devices (QEMU's -runas).
  // Default: none, QEMU keeps the caller's ids. Honoured only when the caller is root (as
  // libvirt's user/group only apply to qemu:///system).
  std::optional<QemuRunAs> run_as;
  // QEMU's seccomp filter (-sandbox). Default: on, as libvirt's seccomp_sandbox.
  bool seccomp_sandbox = true;
  // ca-cert.pem, server-cert.pem, server-key.pem for <server tls='yes'/>. Default: none
  // (tls='yes' is refused, as libvirt without backup_tls_x509_cert_dir).
  std::string tls_x509_cert_dir;
  // Whether TLS clients must present a certificate signed by the CA. Default: yes, as
  // libvirt's backup_tls_x509_verify (from default_tls_x509_verify = 1).
  bool tls_x509_verify = true;

  // run_as when it applies: set, and this process is root.
  std::optional<QemuRunAs> EffectiveRunAs() const;
};

// The options named by a URI's query (other keys are not options and are ignored here).
// Errors: VIR_ERR_INVALID_ARG naming the key and the value (unknown user or group, a
// boolean other than 0/1, a relative directory).
Result<QemuDriverOptions> QemuDriverOptionsFromQuery(
    const std::map<std::string, std::string, std::less<>>& query);

}  // namespace cairn::drivers::qemu
