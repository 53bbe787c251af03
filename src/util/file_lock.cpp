#include "util/file_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

namespace cairn::util {
namespace {

constexpr std::size_t kMaxHolderBytes = 512;

// Releases of this process's locks: a timed waiter here sleeps until the next one (or its
// backoff pause), so it takes a lock freed by a thread of its own process at once. Other
// processes' releases are seen at the next poll.
struct Releases {
  std::mutex mutex;
  std::condition_variable released;
  std::uint64_t count = 0;
};
Releases& ProcessReleases() {
  static auto* r = new Releases();  // never destroyed: locks may be released at exit
  return *r;
}

std::string OwnCommandLine() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
  std::replace(cmd.begin(), cmd.end(), '\0', ' ');
  std::replace(cmd.begin(), cmd.end(), '\n', ' ');
  return cmd.empty() ? "?" : cmd;
}

}  // namespace

Result<FileLock> FileLock::Acquire(const std::filesystem::path& path) { return Lock(path, true); }

Result<FileLock> FileLock::TryAcquire(const std::filesystem::path& path) {
  return Lock(path, false);
}

Result<FileLock> FileLock::Acquire(const std::filesystem::path& path,
                                   std::chrono::milliseconds timeout) {
  // flock() has no timeout; polling with a backoff up to 50 ms costs nothing noticeable
  // next to the operations the lock guards.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds pause(1);
  Releases& releases = ProcessReleases();
  while (true) {
    std::uint64_t seen;
    {
      std::lock_guard<std::mutex> guard(releases.mutex);
      seen = releases.count;  // before trying: a release after the try is not missed
    }
    Result<FileLock> lock = Lock(path, false);
    if (lock || lock.error().code() != ErrorCode::kResourceBusy) return lock;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kNone,
                  fmt::format("cannot acquire state change lock (held by {})", Holder(path)));
    }
    {
      std::unique_lock<std::mutex> wait(releases.mutex);
      releases.released.wait_for(
          wait, std::min<std::chrono::steady_clock::duration>(pause, deadline - now),
          [&] { return releases.count != seen; });
    }
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Result<FileLock> FileLock::Lock(const std::filesystem::path& path, bool wait) {
  // O_CLOEXEC: a spawned QEMU or qemu-img must not inherit, and so prolong, the lock.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
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
  FileLock lock(std::move(fd), path);
  lock.RecordHolder();
  return lock;
}

FileLock::~FileLock() { Release(); }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = std::move(other.fd_);
    path_ = std::move(other.path_);
  }
  return *this;
}

void FileLock::Release() {
  if (!fd_) return;
  fd_.reset();
  Releases& releases = ProcessReleases();
  {
    std::lock_guard<std::mutex> guard(releases.mutex);
    ++releases.count;
  }
  releases.released.notify_all();
}

void FileLock::RecordHolder() {
  // Every call takes a lock: the record is made once per thread (again after a fork), and
  // written over the previous one without truncating the file, which costs a journal
  // transaction on ext4 (0.3-1.3 ms measured here). Holder() reads up to the first newline,
  // so a longer previous record's tail is never read.
  thread_local pid_t made_for = -1;
  thread_local std::string record;
  if (made_for != ::getpid()) {
    made_for = ::getpid();
    record = fmt::format("pid {}: {}", made_for, OwnCommandLine());
    if (record.size() > kMaxHolderBytes) record.resize(kMaxHolderBytes);
    record += '\n';
  }
  (void)!::pwrite(fd_.get(), record.data(), record.size(), 0);
}

std::string FileLock::Holder(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "unknown";
  char buf[kMaxHolderBytes + 1];
  ssize_t n = ::pread(fd.get(), buf, sizeof(buf), 0);
  if (n <= 0) return "unknown";
  std::string text(buf, static_cast<std::size_t>(n));
  if (std::size_t nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  // A record whose process is gone is a previous holder's: the current one (not Cairn, or
  // not yet recorded) is unknown.
  long pid = 0;
  if (std::sscanf(text.c_str(), "pid %ld:", &pid) != 1 || pid <= 0 ||
      (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
    return "unknown";
  }
  return text;
}

}  // namespace cairn::util
