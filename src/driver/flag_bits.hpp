// driver/flag_bits.hpp — the public flags (cairn/flags.hpp) as the plain bit masks a driver
// entry point tests `unsigned flags` against, named once for every driver. The seam carries
// `unsigned` so it can cross a socket unchanged; these names keep every bit spelled from the
// public vocabulary (no bare `1u << n` in a driver). Constants only; no thread rule needed.
#pragma once

#include "cairn/flags.hpp"

namespace cairn::driver {

// Checkpoint entry points (virDomainCheckpoint*).
namespace checkpoint_bits {
inline constexpr unsigned kCreateRedefine = Bits(CheckpointCreateFlags::kRedefine),
                          kCreateQuiesce = Bits(CheckpointCreateFlags::kQuiesce),
                          kCreateRedefineValidate = Bits(CheckpointCreateFlags::kRedefineValidate);
inline constexpr unsigned kXmlSecure = Bits(CheckpointXmlFlags::kSecure),
                          kXmlNoDomain = Bits(CheckpointXmlFlags::kNoDomain),
                          kXmlSize = Bits(CheckpointXmlFlags::kSize);
inline constexpr unsigned kDeleteChildren = Bits(CheckpointDeleteFlags::kChildren),
                          kDeleteMetadataOnly = Bits(CheckpointDeleteFlags::kMetadataOnly),
                          kDeleteChildrenOnly = Bits(CheckpointDeleteFlags::kChildrenOnly);
// ROOTS (= DESCENDANTS for children), TOPOLOGICAL, LEAVES, NO_LEAVES.
inline constexpr unsigned kListFlags =
    Bits(CheckpointListFlags::kRoots | CheckpointListFlags::kTopological |
         CheckpointListFlags::kLeaves | CheckpointListFlags::kNoLeaves);
}  // namespace checkpoint_bits

// virDomainGetXMLDesc.
namespace domain_xml_bits {
inline constexpr unsigned kXmlSecure = Bits(DomainXmlFlags::kSecure),
                          kXmlInactive = Bits(DomainXmlFlags::kInactive);
}  // namespace domain_xml_bits

}  // namespace cairn::driver
