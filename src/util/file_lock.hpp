// util/file_lock.hpp — FileLock, an exclusive advisory lock on a lock file (flock).
//
// Holding a FileLock means no other FileLock on the same file is held, in this process or
// any other: each FileLock opens its own descriptor, and the kernel drops the lock when the
// holder exits, however it exits, so a crash never leaves a stale lock. The lock file is
// created if missing and left in place on release (removing it would race with a waiter).
// Only processes that also take the lock are excluded; it is advisory. The holder writes
// its pid and command line into the file, so a waiter that gives up can say who holds it.
// A waiter with a timeout polls for the lock; one in the holder's own process is woken as
// soon as the holder releases (a server's clients wait on each other's domain locks, and
// an event source's look must not lag a poller's by a backoff).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "cairn/error.hpp"
#include "util/unique_fd.hpp"

namespace cairn::util {

class FileLock {
 public:
  // Blocks until the lock on `path` is held. Fails with kSystemError naming the path if the
  // lock file cannot be opened or created, or the lock cannot be taken.
  static Result<FileLock> Acquire(const std::filesystem::path& path);

  // Waits at most `timeout` for the lock on `path`, then fails with kOperationTimeout:
  // "cannot acquire state change lock (held by pid N: COMMAND)" (libvirt's text for its
  // domain job lock). Other failures as Acquire().
  static Result<FileLock> Acquire(const std::filesystem::path& path,
                                  std::chrono::milliseconds timeout);

  // Takes the lock on `path` only if it is free. Fails with kResourceBusy naming the path
  // when another holder has it, kSystemError as Acquire() otherwise.
  static Result<FileLock> TryAcquire(const std::filesystem::path& path);

  // Releases the lock (by closing the descriptor).
  ~FileLock();
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // "pid N: COMMAND" as the current holder of `path` recorded it; "unknown" if it did not
  // (or the recorded process has exited: the record is a previous holder's).
  static std::string Holder(const std::filesystem::path& path);

 private:
  FileLock(UniqueFd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  static Result<FileLock> Lock(const std::filesystem::path& path, bool wait);
  // Records this process as the holder (best effort: the lock holds without it).
  void RecordHolder();
  void Release();

  UniqueFd fd_;
  std::filesystem::path path_;
};

}  // namespace cairn::util
