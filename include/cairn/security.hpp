// cairn/security.hpp — what virNodeGetSecurityModel and virDomainGetSecurityLabel report: the
// security driver a connection confines its guests with, and one domain's label under it.
// Cairn's qemu driver confines nothing itself; it reports libvirt's "none" driver (model
// "none", DOI "0", empty labels), as libvirt does on a host without SELinux or AppArmor.
// Plain values, copyable, shared by the public API and the drivers.
#pragma once

#include <string>

namespace cairn {

struct SecurityModel {
  std::string model;  // "testSecurity", "none", "selinux"...; empty: no security driver
  std::string doi;    // the domain of interpretation ("0"); may be empty
};

struct SecurityLabel {
  std::string label;       // the running domain's label; empty when it has none
  bool enforcing = false;  // whether the label is enforced (virsh: "enforcing"/"permissive")
};

}  // namespace cairn
