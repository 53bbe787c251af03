// UUID parsing and generation.
#include "conf/uuid.hpp"

#include <cctype>
#include <random>

namespace cairn::conf {

std::optional<std::string> CanonicalUuid(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 32) return std::nullopt;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string GenerateUuid() {
  std::random_device rd;
  std::uniform_int_distribution<int> nibble(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(32, '0');
  for (char& c : hex) c = kHex[nibble(rd)];
  hex[12] = '4';                                    // version 4
  hex[16] = kHex[8 + (nibble(rd) & 3)];             // RFC 4122 variant
  return *CanonicalUuid(hex);
}

}  // namespace cairn::conf
