// util/time.hpp — the wall clock, and times formatted the way virsh prints them.
//
// Times are whole seconds since the Unix epoch, as libvirt stores <creationTime>.
// Formatting uses the process's local time zone (TZ) and is thread-safe (localtime_r).
#pragma once

#include <cstdint>
#include <string>

namespace cairn::util {

// Seconds since the Unix epoch, now.
int64_t NowUnixSeconds();
// Milliseconds since the Unix epoch, now (job start and end times).
int64_t NowUnixMillis();

// "2024-03-05 14:07:09 +0100": local time as `virsh checkpoint-list` prints a creation time.
// A time the C library cannot convert (far outside its range) is printed as the bare number.
std::string FormatLocalTime(int64_t seconds);

}  // namespace cairn::util
