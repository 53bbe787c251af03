// util/process_table.hpp — looking at processes Cairn did not spawn itself (daemonized QEMU
// and storage daemons outlive the cairn process that started them): a pid read from a pid
// file, whether that pid exists, its command line, and waiting for it to go.
// Stateless; safe from any thread. A pid can be reused, so callers always check the command
// line before trusting a pid file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cairn::util {

// The number a pid (or id) file holds: digits, optionally followed by newlines or spaces.
std::optional<long> ReadNumberFile(const std::filesystem::path& path);

// Whether a process with this pid exists (also when it belongs to another user).
bool ProcessExists(pid_t pid);

// argv of process `pid` (/proc/PID/cmdline); empty when it is gone or unreadable.
std::vector<std::string> ProcessCommandLine(pid_t pid);

// Waits until `still_ours()` turns false (the process is gone or the pid names another
// program), polling every 5 ms; false if `timeout` passes first.
template <typename StillOurs>
bool WaitUntilGone(StillOurs still_ours, std::chrono::milliseconds timeout);

}  // namespace cairn::util

#include <thread>

namespace cairn::util {

template <typename StillOurs>
bool WaitUntilGone(StillOurs still_ours, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (still_ours()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace cairn::util
