// QemuCommand: the qemu-system-x86_64 command line for a domain definition. Supports the
// subset DESIGN.md names: name, uuid, memory, vcpus, direct kernel boot or disk boot, file
// or block disks (qcow2 or raw) on virtio or IDE, a serial port to a unix socket, pipe or file,
// and a guest-agent channel. Every disk gets stable node names (DiskNodeName) so that QMP
// commands can address it; QEMU runs daemonized with a QMP socket and a pid file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"
#include "drivers/qemu/qemu_driver_options.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

// A value inside a QEMU option ("path=..."): QEMU's option parser treats ',' as a
// separator, so a literal comma is written twice.
std::string Escape(std::string_view s);

// The value of QEMU's -name option for domain `name` ("guest=a,,b,debug-threads=on": QEMU's
// option syntax doubles a literal comma). The command line is built with it and a running
// QEMU is recognised by it, argument for argument, so the two can never disagree.
std::string QemuNameOption(std::string_view name);

// Whether `argv` (a process's command line) is that of the QEMU started for domain `name`:
// it holds "-name" followed by exactly QemuNameOption(name).
bool IsCommandLineOf(const std::vector<std::string>& argv, std::string_view name);

// The block node QMP addresses for a disk's format layer ("disk-vda") and its file.
std::string DiskNodeName(std::string_view target);
std::string DiskFileNodeName(std::string_view target);

// The L2 cache a qcow2 disk's format node may use: every table of a 1 TiB image.
inline constexpr std::uint64_t kQcow2L2CacheBytes = std::uint64_t{128} << 20;

// The two block nodes of a disk with media (its file, then its format layer named
// DiskNodeName), as the value of a -blockdev option; none for an empty drive. QEMU and the
// storage daemon that serves a shut-off domain's backup open a disk identically with them.
// `element` is the disk's <disk> element. An unsupported format or type is
// VIR_ERR_CONFIG_UNSUPPORTED.
Result<std::vector<std::string>> DiskBlockdevs(const conf::DomainDiskDef& disk,
                                               const conf::XmlElement& element);
// DiskBlockdevs of every disk of `def`, in order.
Result<std::vector<std::string>> AllDiskBlockdevs(const conf::DomainDef& def);

struct QemuCommandOptions {
  bool kvm = false;  // use KVM (only when /dev/kvm really works); TCG otherwise
  // -runas UID:GID: QEMU opens its devices, sockets and pid file as the caller, then drops
  // to these ids before the guest runs. Default: none.
  std::optional<QemuRunAs> run_as{};
  // -sandbox on with libvirt's deny list, less what -daemonize (fork) and -runas (setuid)
  // need after QEMU installs the filter: "on,obsolete=deny,resourcecontrol=deny". false:
  // "-sandbox off", as libvirt's seccomp_sandbox = 0. Default: true.
  bool seccomp_sandbox = true;
};

// The -sandbox value Cairn gives QEMU when the sandbox is on.
inline constexpr std::string_view kQemuSandbox = "on,obsolete=deny,resourcecontrol=deny";

// Builds argv. Unsupported configuration (a disk bus or type QEMU cannot be given by this
// driver) is VIR_ERR_CONFIG_UNSUPPORTED naming the element.
Result<std::vector<std::string>> BuildQemuCommand(const conf::DomainDef& def,
                                                  const StateLayout& layout,
                                                  const QemuCommandOptions& options);

// Whether /dev/kvm can be opened for use (present, permitted). Never required.
bool KvmUsable();

// The accelerator choice, as libvirt's domain type states it: <domain type='kvm'> runs on
// KVM when /dev/kvm is usable and falls back to TCG otherwise; type='qemu' is always TCG.
// $CAIRN_ACCEL=tcg forces TCG (for hosts whose /dev/kvm opens but cannot run guests).
bool WantKvm(const conf::DomainDef& def);

// The agent socket a domain's guest-agent channel uses, or empty if it has none.
std::string AgentSocketPath(const conf::DomainDef& def, const StateLayout& layout);

}  // namespace cairn::drivers::qemu
