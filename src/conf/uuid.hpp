// UUIDs as libvirt writes them: 36-character lower-case 8-4-4-4-12 text. Parsing accepts
// the forms libvirt accepts (dashes anywhere, or none); generation is random (version 4).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::conf {

// The canonical form of `text`, or nullopt if it is not 32 hex digits (dashes ignored).
std::optional<std::string> CanonicalUuid(std::string_view text);

// A new random UUID in canonical form.
std::string GenerateUuid();

}  // namespace cairn::conf
