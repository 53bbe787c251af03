#include "util/file_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

namespace cairn::util {

Result<FileLock> FileLock::Acquire(const std::filesystem::path& path) { return Lock(path, true); }

Result<FileLock> FileLock::TryAcquire(const std::filesystem::path& path) {
  return Lock(path, false);
}

Result<FileLock> FileLock::Lock(const std::filesystem::path& path, bool wait) {
  // O_CLOEXEC: a spawned QEMU or qemu-img must not inherit, and so prolong, the lock.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot open lock file '{}': {}", path.string(), std::strerror(errno)));
  }
  int operation = LOCK_EX | (wait ? 0 : LOCK_NB);
  while (::flock(fd.get(), operation) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      return Fail(ErrorCode::kResourceBusy, ErrorDomain::kNone,
                  fmt::format("lock file '{}' is held by another operation", path.string()));
    }
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot lock '{}': {}", path.string(), std::strerror(errno)));
  }
  return FileLock(std::move(fd), path);
}

}  // namespace cairn::util
