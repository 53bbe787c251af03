// The part of libvirt's <domain> that Cairn's qemu driver honours, as one allow-list of
// elements, attributes and values. `define` and `start` refuse anything outside it, so a
// definition never boots a guest that silently lacks what it asked for (a NIC, a pflash
// loader, a cache mode). The README and man page list is rendered from the same table.
// Stateless; safe from any thread.
#pragma once

#include <string>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"

namespace cairn::drivers::qemu {

// Succeeds when every element, attribute and value of `def` is in the allow-list.
// Errors: VIR_ERR_CONFIG_UNSUPPORTED naming the first element (and attribute and value)
// that is not: "<interface> is not supported by Cairn's qemu driver",
// "<driver cache='none'> is not supported by Cairn's qemu driver".
Status CheckQemuSupport(const conf::DomainDef& def);

// The allow-list as text, one element per line with its attributes and their values
// ("domain/devices/disk  type=file|block  device=disk|cdrom"), for the documentation.
std::string DescribeQemuSupport();

}  // namespace cairn::drivers::qemu
