// cairn-backup/bitmap_check.hpp — before an incremental, per disk: can the base checkpoint's
// bitmap be trusted? A disk whose bitmap cannot is read in full (that disk only).
//
// Cairn's drivers answer Domain::CheckCheckpointBitmaps (missing, inconsistent). libvirt's
// protocol has no such call (a daemon connection answers VIR_ERR_NO_SUPPORT), so there the
// check asks what libvirt offers: the checkpoint's XML with VIR_DOMAIN_CHECKPOINT_XML_SIZE.
// libvirt gives a disk's size= only when the disk's bitmap chain from that checkpoint on is
// valid (present, persistent, not inconsistent); a disk with checkpoint='bitmap' and no size
// has a bitmap libvirt would refuse to back up from.
// When neither can tell (an older daemon, a shut-off domain), the answer is nullopt and no
// disk is flagged: the backup job itself then refuses a broken bitmap.
// Thread rule: one call at a time per domain.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/domain.hpp"

namespace cairn::backup {

// Every disk `base` tracks changes of -> "" when its bitmap can be trusted, else why not.
// A disk missing from the map has no bitmap of `base` at all.
using BitmapVerdicts = std::map<std::string, std::string>;
std::optional<BitmapVerdicts> CheckBaseBitmaps(const Domain& dom, const std::string& base);

// The libvirt fallback on its own, from the checkpoint's XML with sizes. Exposed for tests.
// nullopt for XML that is not well-formed.
std::optional<BitmapVerdicts> VerdictsFromSizedXml(std::string_view checkpoint_xml,
                                                   const std::string& base);

}  // namespace cairn::backup
