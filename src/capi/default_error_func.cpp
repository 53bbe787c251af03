// virDefaultErrorFunc: an error on stderr, worded and laid out as libvirt's, with libvirt's
// name for each virErrorDomain.
#include <cstdio>
#include <cstring>

#include "capi/handles.hpp"

namespace cairn::capi {
namespace {

// libvirt 9.0's names, indexed by virErrorDomain value (VIR_FROM_NONE .. VIR_FROM_CH).
// clang-format off
constexpr const char* kDomainNames[] = {
    /*  0 */ "", "Xen Driver", "Xen Daemon", "Xen Store", "S-Expression",
    /*  5 */ "XML Util", "Domain", "XML-RPC", "Proxy Daemon", "Config File",
    /* 10 */ "QEMU Driver", "Network", "Test Driver", "Remote Driver", "OpenVZ Driver",
    /* 15 */ "Xen XM Driver", "Linux Statistics", "LXC Driver", "Storage Driver", "Network Driver",
    /* 20 */ "Domain Config", "User Mode Linux Driver", "Node Device Driver", "Xen Inotify Driver",
             "Security Driver",
    /* 25 */ "VirtualBox Driver", "Network Interface Driver", "Open Nebula Driver", "ESX Driver",
             "Power Hypervisor Driver",
    /* 30 */ "Secrets Driver", "CPU Driver", "XenAPI Driver", "Network Filter Driver",
             "Lifecycle Hook",
    /* 35 */ "Domain Snapshot", "Audit Utils", "Sysinfo Utils", "I/O Stream Utils", "VMware Driver",
    /* 40 */ "Event Loop", "Xen Light Driver", "Lock Driver", "Hyper-V Driver",
             "Capabilities Utils",
    /* 45 */ "URI Utils", "Authentication Utils", "DBus Utils", "Parallels Cloud Server",
             "Device Config",
    /* 50 */ "SSH transport layer", "Lock Space", "Init control", "Identity", "Cgroup",
    /* 55 */ "Access Manager", "Systemd", "Bhyve", "Crypto", "Firewall",
    /* 60 */ "Polkit", "Thread jobs", "Admin Interface", "Log Manager", "Xen XL Config",
    /* 65 */ "Perf", "Libssh transport layer", "Resource control", "FirewallD", "Domain Checkpoint",
    /* 70 */ "TPM", "BPF", "Cloud-Hypervisor Driver",
};
// clang-format on
static_assert(sizeof(kDomainNames) / sizeof(kDomainNames[0]) == VIR_FROM_CH + 1);

const char* DomainName(int domain) {
  constexpr int kCount = sizeof(kDomainNames) / sizeof(kDomainNames[0]);
  return domain >= 0 && domain < kCount ? kDomainNames[domain] : "Unknown";
}

const char* LevelName(virErrorLevel level) {
  switch (level) {
    case VIR_ERR_WARNING:
      return "warning";
    case VIR_ERR_ERROR:
      return "error";
    case VIR_ERR_NONE:
      break;
  }
  return "";
}

}  // namespace
}  // namespace cairn::capi

extern "C" {

void virDefaultErrorFunc(virErrorPtr err) {
  if (err == nullptr || err->code == VIR_ERR_OK) return;
  const char* level = cairn::capi::LevelName(err->level);
  const char* domain = cairn::capi::DomainName(err->domain);
  // libvirt names the error's domain object here; Cairn never sets err->dom, but a caller's
  // own virError may carry one. Networks do not exist in Cairn, so err->net is never shown.
  const char* dom_name = "";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  virDomainPtr dom = err->dom;
#pragma GCC diagnostic pop
  if (dom != nullptr && err->code != VIR_ERR_INVALID_DOMAIN && cairn::capi::Valid(dom)) {
    dom_name = dom->dom.name().c_str();
  }
  const char* message = err->message != nullptr ? err->message : "";
  std::size_t len = std::strlen(message);
  if (err->domain == VIR_FROM_XML && err->code == VIR_ERR_XML_DETAIL && err->int1 != 0) {
    std::fprintf(stderr, "libvirt: %s %s %s: line %d: %s", domain, level, dom_name, err->int1,
                 message);
  } else if (len == 0 || message[len - 1] != '\n') {
    std::fprintf(stderr, "libvirt: %s %s %s: %s\n", domain, level, dom_name, message);
  } else {
    std::fprintf(stderr, "libvirt: %s %s %s: %s", domain, level, dom_name, message);
  }
}

}  // extern "C"
