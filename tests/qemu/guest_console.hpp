// tests/qemu/guest_console.hpp — GuestConsole, the host end of the test guest's serial shell.
//
// The test guest (scripts/build-test-guest) runs a plain, non-interactive busybox shell on
// ttyS0 with echo off; QEMU connects ttyS0 to a unix socket. GuestConsole connects to that
// socket and runs one command at a time, framing each the same way:
//
//   host sends   echo "__CAIRN_BE""GIN_<n>"; sh -c '<command>' </dev/null 2>&1;
//                echo "__CAIRN_DO""NE_<n>_$?"
//   guest prints __CAIRN_BEGIN_<n>\n <stdout and stderr of command> __CAIRN_DONE_<n>_<status>\n
//
// so the host gets the output and the exit status, whatever the command prints, and stale
// output of a command that timed out is never taken for the next one's. The quotes split
// the markers so that an echoed command line can never look like its answer. Each command
// runs in its own `sh -c`: a syntax error cannot kill the console shell, and no state (cd,
// variables) carries over from one command to the next.
// Not thread-safe: one thread owns a GuestConsole.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/error.hpp"
#include "util/unique_fd.hpp"

namespace cairn::test {

// The bytes cairn-write-pattern (scripts/guest/bin) writes for `seed` at disk positions
// [offset, offset + length): 32-byte records, record k = p / 32 of position p being
// "%010u %020u\n" of (seed, k). Position-dependent, so a write that lands at the wrong
// offset never compares equal.
std::string GuestPattern(std::uint32_t seed, std::uint64_t offset, std::uint64_t length);

class GuestConsole {
 public:
  using Timeout = std::chrono::milliseconds;
  static constexpr Timeout kDefaultTimeout = std::chrono::seconds(60);

  // Connects to the serial console's unix socket at `socket_path` and waits until the
  // guest shell answers a probe. Retries while QEMU has not created the socket yet and
  // while the guest is still booting. Fails with kOperationTimeout after `timeout`,
  // kSystemError if the socket cannot be used.
  static Result<GuestConsole> Connect(const std::filesystem::path& socket_path,
                                      Timeout timeout = kDefaultTimeout);

  // Runs `command` (one line of sh, at most 2,000 bytes, no control characters) in the
  // guest and returns what it printed on stdout and stderr, merged. Fails with
  // kOperationFailed when it exits non-zero ("guest command 'false' exited with status 1:
  // <output>"), kOperationTimeout after `timeout`, kInvalidArg for a command that cannot
  // be sent, kSystemError when the console socket fails or closes.
  Result<std::string> Run(std::string_view command, Timeout timeout = kDefaultTimeout);

  // Writes GuestPattern(seed, offset, length) at byte `offset` of the guest's block device
  // `disk` ("vdb" or "/dev/vdb") and returns once the device has it: the data was fsync'ed,
  // so QEMU has received every byte and the flush. Allows 30 s plus 5 s per MiB (TCG
  // generates the bytes at about 1 MiB/s). Errors as for Run().
  Status WritePattern(std::string_view disk, std::uint64_t offset, std::uint64_t length,
                      std::uint32_t seed);

  // The SHA-256 (64 lowercase hex digits) of `length` bytes of `disk` at `offset`, read
  // from the device after dropping the guest's cache of it. Errors as for Run().
  Result<std::string> Checksum(std::string_view disk, std::uint64_t offset, std::uint64_t length);

  // Syncs and powers the guest off at once, without waiting for an answer; QEMU then
  // exits (unless started with -no-shutdown). Fails with kSystemError if the command
  // cannot be sent.
  Status PowerOff();

  GuestConsole(GuestConsole&&) = default;
  GuestConsole& operator=(GuestConsole&&) = default;

 private:
  explicit GuestConsole(util::UniqueFd fd) : fd_(std::move(fd)) {}

  using Clock = std::chrono::steady_clock;
  Status Send(std::string_view bytes, Clock::time_point deadline);
  // Reads more of the console into buffer_; false once `deadline` passed with nothing new.
  Result<bool> ReadSome(Clock::time_point deadline);

  util::UniqueFd fd_;
  std::string buffer_;  // console output received and not yet consumed
  int next_id_ = 1;
};

}  // namespace cairn::test
