#include "util/time.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <optional>
#include <string>

namespace cairn::util {
namespace {

// Sets TZ for one test and puts the old value back, so tests do not leak a time zone.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = ::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

// Read with clock_gettime: time() reads the coarse clock, which may lag a tick behind.
int64_t RealtimeSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec);
}

TEST(Time, NowUnixSecondsIsTheWallClock) {
  int64_t before = RealtimeSeconds();

  int64_t now = NowUnixSeconds();

  int64_t after = RealtimeSeconds();
  EXPECT_GE(now, before);
  EXPECT_LE(now, after);
}

TEST(Time, FormatLocalTimeInUtcPrintsZeroOffset) {
  ScopedTimeZone tz("UTC0");

  EXPECT_EQ(FormatLocalTime(0), "1970-01-01 00:00:00 +0000");
}

TEST(Time, FormatLocalTimeAppliesTheZoneOffsetAsVirshDoes) {
  ScopedTimeZone tz("CET-1");  // POSIX spelling of UTC+1, no daylight saving

  EXPECT_EQ(FormatLocalTime(1709644029), "2024-03-05 14:07:09 +0100");
}

TEST(Time, FormatLocalTimeHandlesNegativeOffsets) {
  ScopedTimeZone tz("ABC+5:30");  // UTC-05:30

  EXPECT_EQ(FormatLocalTime(0), "1969-12-31 18:30:00 -0530");
}

}  // namespace
}  // namespace cairn::util
