// FormatLocalTime: strftime in local time.
#include "tools/cairn/local_time.hpp"

#include <ctime>

namespace cairn::cli {

std::string FormatLocalTime(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  char buf[64];
  if (localtime_r(&t, &tm) == nullptr ||
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm) == 0) {
    return std::to_string(seconds);
  }
  return buf;
}

}  // namespace cairn::cli
