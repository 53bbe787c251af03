#include "util/time.hpp"

#include <fmt/format.h>
#include <time.h>

#include <array>
#include <chrono>

namespace cairn::util {

int64_t NowUnixMillis() {
  using std::chrono::system_clock;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             system_clock::now().time_since_epoch())
      .count();
}

int64_t NowUnixSeconds() {
  using std::chrono::system_clock;
  return std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch())
      .count();
}

std::string FormatLocalTime(int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  struct tm local;
  std::array<char, 64> text;
  if (::localtime_r(&t, &local) == nullptr) return fmt::format("{}", seconds);
  size_t n = ::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S %z", &local);
  if (n == 0) return fmt::format("{}", seconds);
  return std::string(text.data(), n);
}

}  // namespace cairn::util
