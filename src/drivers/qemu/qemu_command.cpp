// QEMU command line construction.
#include "drivers/qemu/qemu_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>

#include "drivers/qemu/domain_support.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;

const conf::XmlElement* FindAgentChannel(const conf::XmlElement& devices) {
  for (const conf::XmlElement& c : devices.children()) {
    if (c.name() != "channel") continue;
    const conf::XmlElement* target = c.Child("target");
    const std::string* name = target ? target->Attribute("name") : nullptr;
    if (name != nullptr && *name == "org.qemu.guest_agent.0") return &c;
  }
  return nullptr;
}

Status AddDisk(std::vector<std::string>& argv, const conf::DomainDiskDef& disk, int index,
               const conf::XmlElement& element) {
  const std::string fmt_node = DiskNodeName(disk.target);
  const bool cdrom = disk.device == "cdrom";
  Result<std::vector<std::string>> blockdevs = DiskBlockdevs(disk, element);
  if (!blockdevs) return std::unexpected(blockdevs.error());
  for (std::string& b : *blockdevs) argv.insert(argv.end(), {"-blockdev", std::move(b)});
  const bool has_media = !disk.empty();
  std::string bus = disk.bus.empty() ? (cdrom ? "ide" : "virtio") : disk.bus;
  std::string device;
  if (bus == "virtio") {
    if (cdrom) {
      return Fail(ErrorCode::kConfigUnsupported, kErr,
                  fmt::format("disk '{}': a cdrom cannot be on bus virtio", disk.target));
    }
    device = fmt::format("virtio-blk-pci,id=virtio-disk{}", index);
  } else if (bus == "ide" || bus == "sata") {
    device = fmt::format("{},id=ide-disk{}", cdrom ? "ide-cd" : "ide-hd", index);
  } else {
    return Fail(ErrorCode::kConfigUnsupported, kErr,
                fmt::format("disk '{}': bus '{}' is not supported", disk.target, bus));
  }
  if (has_media) device += ",drive=" + fmt_node;
  if (const conf::XmlElement* boot = element.Child("boot")) {
    if (const std::string* order = boot->Attribute("order")) device += ",bootindex=" + *order;
  }
  argv.push_back("-device");
  argv.push_back(device);
  return {};
}

}  // namespace

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

Result<std::vector<std::string>> DiskBlockdevs(const conf::DomainDiskDef& disk,
                                               const conf::XmlElement& element) {
  const std::string format = disk.format.empty() ? "raw" : disk.format;
  if (format != "raw" && format != "qcow2") {
    return Fail(ErrorCode::kConfigUnsupported, kErr,
                fmt::format("disk '{}': format '{}' is not supported", disk.target, format));
  }
  if (disk.empty()) return std::vector<std::string>{};
  if (disk.type != "file" && disk.type != "block" && !disk.type.empty()) {
    return Fail(ErrorCode::kConfigUnsupported, kErr,
                fmt::format("disk '{}': type '{}' is not supported", disk.target, disk.type));
  }
  const std::string driver = disk.type == "block" ? "host_device" : "file";
  const char* ro = (disk.readonly || disk.device == "cdrom") ? "on" : "off";
  // <driver discard='unmap|ignore'>, as QEMU spells them, on both nodes as libvirt sets it
  // (a guest's trim reaches the image only if the format node passes it on); unset, QEMU's
  // default (ignore), as libvirt leaves it.
  std::string discard;
  if (const conf::XmlElement* drv = element.Child("driver")) {
    if (const std::string* d = drv->Attribute("discard")) discard = ",discard=" + *d;
  }
  // A qcow2 node's L2 cache may hold every table of a 1 TiB image (64 KiB clusters). QEMU
  // trims it to what the image has, fills it only as tables are read and drops entries idle
  // for 10 minutes. Its own default stops at 256 GiB and, past that, reads tables in 4 KiB
  // slices: a block-status sweep of a sparse 1 TiB disk then takes 16 times the reads.
  const std::string format_options =
      format == "qcow2" ? fmt::format(",l2-cache-size={}", kQcow2L2CacheBytes) : "";
  return std::vector<std::string>{
      fmt::format("driver={},node-name={},filename={},read-only={},cache.direct=off{}", driver,
                  DiskFileNodeName(disk.target), Escape(disk.source), ro, discard),
      fmt::format("driver={},node-name={},file={},read-only={}{}{}", format,
                  DiskNodeName(disk.target), DiskFileNodeName(disk.target), ro, format_options,
                  discard)};
}

Result<std::vector<std::string>> AllDiskBlockdevs(const conf::DomainDef& def) {
  std::vector<std::string> out;
  const conf::XmlElement* devices = def.element().Child("devices");
  if (devices == nullptr) return out;
  std::size_t parsed_disk = 0;
  for (const conf::XmlElement& dev : devices->children()) {
    if (dev.name() != "disk") continue;
    Result<std::vector<std::string>> b = DiskBlockdevs(def.disks()[parsed_disk++], dev);
    if (!b) return std::unexpected(b.error());
    out.insert(out.end(), b->begin(), b->end());
  }
  return out;
}

std::string QemuNameOption(std::string_view name) {
  return fmt::format("guest={},debug-threads=on", Escape(name));
}

bool IsCommandLineOf(const std::vector<std::string>& argv, std::string_view name) {
  const std::string wanted = QemuNameOption(name);
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-name" && argv[i + 1] == wanted) return true;
  }
  return false;
}

std::string DiskNodeName(std::string_view target) { return fmt::format("disk-{}", target); }
std::string DiskFileNodeName(std::string_view target) { return fmt::format("file-{}", target); }

bool KvmUsable() {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool WantKvm(const conf::DomainDef& def) {
  const char* accel = std::getenv("CAIRN_ACCEL");
  if (accel != nullptr && std::string_view(accel) == "tcg") return false;
  return def.type() == "kvm" && KvmUsable();
}

std::string AgentSocketPath(const conf::DomainDef& def, const StateLayout& layout) {
  const conf::XmlElement* devices = def.element().Child("devices");
  const conf::XmlElement* channel = devices ? FindAgentChannel(*devices) : nullptr;
  if (channel == nullptr) return {};
  if (const conf::XmlElement* src = channel->Child("source")) {
    if (const std::string* path = src->Attribute("path")) return *path;
  }
  return layout.AgentSocket(def.name()).string();
}

Result<std::vector<std::string>> BuildQemuCommand(const conf::DomainDef& def,
                                                  const StateLayout& layout,
                                                  const QemuCommandOptions& options) {
  // A definition stored before the allow-list existed is refused here, at start.
  if (Status ok = CheckQemuSupport(def); !ok) return std::unexpected(ok.error());
  const conf::XmlElement& dom = def.element();
  const conf::XmlElement* os = dom.Child("os");
  const conf::XmlElement* devices = dom.Child("devices");
  std::string emulator = "qemu-system-x86_64";
  if (devices != nullptr) {
    if (std::optional<std::string> e = devices->ChildText("emulator")) emulator = *e;
  }
  std::string machine = "pc";
  if (os != nullptr) {
    if (const conf::XmlElement* type = os->Child("type")) {
      if (const std::string* m = type->Attribute("machine")) machine = *m;
    }
  }
  std::vector<std::string> argv = {
      emulator,
      "-name", QemuNameOption(def.name()),
      "-machine", fmt::format("{},accel={}", machine, options.kvm ? "kvm" : "tcg"),
      "-m", fmt::format("{}M", def.current_memory_kib() ? (def.current_memory_kib() + 1023) / 1024 : 256),
      "-smp", std::to_string(def.vcpus()),
      "-nodefaults", "-no-user-config", "-display", "none", "-nic", "none",
      "-qmp", fmt::format("unix:{},server=on,wait=off", Escape(layout.QmpSocket(def.name()).string())),
      "-qmp", fmt::format("unix:{},server=on,wait=off", Escape(layout.EventSocket(def.name()).string())),
      "-pidfile", layout.PidFile(def.name()).string(),
      "-daemonize",
      "-sandbox", options.seccomp_sandbox ? std::string(kQemuSandbox) : std::string("off"),
  };
  if (options.run_as) {
    argv.insert(argv.end(), {"-runas", fmt::format("{}:{}", options.run_as->uid, options.run_as->gid)});
  }
  if (dom.ChildText("on_reboot") == "destroy") argv.push_back("-no-reboot");
  if (!def.uuid().empty()) {
    argv.push_back("-uuid");
    argv.push_back(def.uuid());
  }
  if (os != nullptr) {
    if (std::optional<std::string> k = os->ChildText("kernel")) argv.insert(argv.end(), {"-kernel", *k});
    if (std::optional<std::string> i = os->ChildText("initrd")) argv.insert(argv.end(), {"-initrd", *i});
    if (std::optional<std::string> c = os->ChildText("cmdline")) argv.insert(argv.end(), {"-append", *c});
  }
  if (devices == nullptr) return argv;

  int disk_index = 0;
  std::size_t parsed_disk = 0;
  int serial_index = 0;
  for (const conf::XmlElement& dev : devices->children()) {
    if (dev.name() == "disk") {
      if (Status ok = AddDisk(argv, def.disks()[parsed_disk++], disk_index++, dev); !ok) {
        return std::unexpected(ok.error());
      }
    } else if (dev.name() == "serial" || dev.name() == "console") {
      if (dev.name() == "console" && serial_index > 0) continue;  // libvirt's console alias
      const std::string* type = dev.Attribute("type");
      const conf::XmlElement* src = dev.Child("source");
      const std::string* path = src ? src->Attribute("path") : nullptr;
      std::string id = fmt::format("serial{}", serial_index++);
      if (type != nullptr && *type == "unix" && path != nullptr) {
        argv.insert(argv.end(), {"-chardev", fmt::format("socket,id={},path={},server=on,wait=off",
                                                         id, Escape(*path))});
      } else if (type != nullptr && *type == "pipe" && path != nullptr) {
        // PATH.in / PATH.out FIFOs (or PATH itself), as libvirt's pipe character device.
        argv.insert(argv.end(), {"-chardev", fmt::format("pipe,id={},path={}", id, Escape(*path))});
      } else if (type != nullptr && *type == "file" && path != nullptr) {
        argv.insert(argv.end(), {"-chardev", fmt::format("file,id={},path={}", id, Escape(*path))});
      } else {
        argv.insert(argv.end(), {"-chardev", fmt::format("null,id={}", id)});
      }
      argv.insert(argv.end(), {"-serial", "chardev:" + id});
    }
  }
  if (FindAgentChannel(*devices) != nullptr) {
    argv.insert(argv.end(),
                {"-chardev",
                 fmt::format("socket,id=qga0,path={},server=on,wait=off",
                             Escape(AgentSocketPath(def, layout))),
                 "-device", "virtio-serial-pci,id=virtio-serial0", "-device",
                 "virtserialport,bus=virtio-serial0.0,chardev=qga0,name=org.qemu.guest_agent.0"});
  }
  return argv;
}

}  // namespace cairn::drivers::qemu
