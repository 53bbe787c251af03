// DomainDef: the subset of libvirt's <domain> that checkpoints and backups need (name, uuid,
// type, disks), plus the whole element tree as parsed, so that everything Cairn does not
// model is formatted back unchanged. The tree is the source of truth for formatting; the
// typed fields are read from it at parse time and written back by the setters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "conf/xml_element.hpp"

namespace cairn::conf {

// One <disk> of the domain, as the checkpoint and backup rules see it.
struct DomainDiskDef {
  std::string type;    // "file", "block", "network", ... (the <disk type=...> attribute)
  std::string device;  // "disk" (default), "cdrom", "floppy", "lun"
  std::string format;  // <driver type=...>: "qcow2", "raw"; empty when not given
  std::string source;  // <source file=...> or <source dev=...>; empty = no media
  std::string target;  // <target dev=...>: "vda"
  std::string bus;     // <target bus=...>
  bool readonly = false;

  bool empty() const { return source.empty(); }
};

// Formatting flags (values of libvirt's VIR_DOMAIN_DEF_FORMAT_* that Cairn honours).
inline constexpr unsigned kDomainFormatSecure = 1u << 0;    // keep passwords (graphics passwd)
inline constexpr unsigned kDomainFormatInactive = 1u << 1;  // drop the runtime id attribute

class DomainDef {
 public:
  // Reads a <domain> element. Elements of another XML namespace outside <metadata> are not
  // kept (libvirt ignores them); their qualified names are in foreign_elements(), so a
  // driver that cannot ignore them refuses them. A missing <name>, or a disk without
  // <target dev>, is VIR_ERR_XML_ERROR naming what is missing. Mixed content and a DTD are
  // refused as ParseXml says.
  static Result<DomainDef> FromElement(XmlElement element);
  static Result<DomainDef> Parse(std::string_view xml);

  const std::string& name() const { return name_; }
  const std::string& uuid() const { return uuid_; }
  const std::string& type() const { return type_; }
  const std::vector<DomainDiskDef>& disks() const { return disks_; }
  unsigned long long memory_kib() const { return memory_kib_; }          // <memory>
  unsigned long long current_memory_kib() const { return current_memory_kib_; }
  unsigned vcpus() const { return vcpus_; }
  // Qualified names of the namespaced elements FromElement dropped ("qemu:commandline").
  const std::vector<std::string>& foreign_elements() const { return foreign_elements_; }

  // The disk whose target is `name`, or, failing that, whose source path is `name`.
  const DomainDiskDef* FindDisk(std::string_view name) const;

  // The runtime id (the <domain id='N'> attribute) of a running domain; nullopt removes it.
  void set_id(std::optional<int> id);
  void set_uuid(std::string uuid);

  const XmlElement& element() const { return xml_; }
  std::string Format(unsigned flags, int indent = 0) const;
  void Write(std::string& out, unsigned flags, int indent) const;

 private:
  XmlElement xml_;
  std::string name_;
  std::string uuid_;
  std::string type_;
  std::vector<DomainDiskDef> disks_;
  unsigned long long memory_kib_ = 0;
  unsigned long long current_memory_kib_ = 0;
  unsigned vcpus_ = 1;
  std::vector<std::string> foreign_elements_;
};

}  // namespace cairn::conf
