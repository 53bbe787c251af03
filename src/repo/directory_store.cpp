#include "repo/directory_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>

#include <fmt/format.h>

namespace cairn::repo {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
constexpr mode_t kFileMode = 0600;
constexpr mode_t kDirMode = 0700;
// Objects from this size, page aligned in memory, are written with O_DIRECT.
constexpr std::size_t kDirectMinBytes = 1 << 20;
constexpr std::size_t kDirectAlign = 4096;

std::unexpected<Error> SystemFailure(std::string_view what, std::string_view path, int err) {
  return Fail(ErrorCode::kSystemError, kErr,
              fmt::format("cannot {} '{}': {}", what, path, std::strerror(err)));
}

std::unexpected<Error> BadName(std::string_view name) {
  return Fail(ErrorCode::kInvalidArg, kErr,
              fmt::format("invalid repository object name '{}'", name));
}

// Creates the folders of `name` below the root (mkdir -p of its parent), relative to dirfd.
Status EnsureParents(int dirfd, std::string_view name, const std::filesystem::path& root) {
  for (std::size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', slash + 1)) {
    std::string dir(name.substr(0, slash));
    if (mkdirat(dirfd, dir.c_str(), kDirMode) != 0 && errno != EEXIST) {
      return SystemFailure("create folder", (root / dir).string(), errno);
    }
  }
  return {};
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return SystemFailure("write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// O_DIRECT moves whole blocks from aligned memory: the aligned prefix goes so, the rest
// (and everything, where the file was opened without O_DIRECT or the device refuses the
// alignment) through the page cache.
Status WriteObject(int fd, std::string_view data, const std::string& path) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_DIRECT) != 0) {
    std::string_view head = data.substr(0, data.size() / kDirectAlign * kDirectAlign);
    while (!head.empty()) {
      ssize_t n = write(fd, head.data(), head.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EINVAL) return SystemFailure("write", path, errno);
      if (n <= 0 || n % kDirectAlign != 0) {
        if (n > 0) data.remove_prefix(static_cast<std::size_t>(n));
        break;  // the rest through the page cache
      }
      head.remove_prefix(static_cast<std::size_t>(n));
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (fcntl(fd, F_SETFL, flags & ~O_DIRECT) != 0) return SystemFailure("write", path, errno);
  }
  return WriteAll(fd, data, path);
}

std::string HiddenTempName(std::string_view name) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string dir;
  if (std::size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    dir = std::string(name.substr(0, slash + 1));
  }
  return fmt::format("{}.tmp-{:016x}", dir, rng());
}

class FlockLock final : public StoreLock {
 public:
  explicit FlockLock(util::UniqueFd fd) : fd_(std::move(fd)) {}

 private:
  util::UniqueFd fd_;  // closing it releases the lock
};

}  // namespace

Result<std::unique_ptr<DirectoryStore>> DirectoryStore::Open(const std::filesystem::path& root) {
  util::UniqueFd fd(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return SystemFailure("open repository directory", root.string(), errno);
  return std::unique_ptr<DirectoryStore>(new DirectoryStore(root, std::move(fd)));
}

Result<bool> DirectoryStore::Put(std::string_view name, std::string_view data) {
  if (!IsValidObjectName(name)) return BadName(name);
  const std::string target(name);
  const std::string parent =
      name.find('/') == std::string_view::npos ? "." : target.substr(0, target.rfind('/'));
  const std::string shown = (root_ / target).string();

  // A large page-aligned object skips the page cache (see the header).
  const bool direct = data.size() >= kDirectMinBytes &&
                      reinterpret_cast<std::uintptr_t>(data.data()) % kDirectAlign == 0;
  const int flags = O_TMPFILE | O_WRONLY | O_CLOEXEC | (direct ? O_DIRECT : 0);
  // An unnamed file linked under its name at the end: a crash leaves nothing behind.
  util::UniqueFd fd(openat(root_fd_.get(), parent.c_str(), flags, kFileMode));
  // Folders are made when a put first needs them, not checked on every put.
  if (!fd && errno == ENOENT) {
    if (Status ok = EnsureParents(root_fd_.get(), name, root_); !ok) {
      return std::unexpected(ok.error());
    }
    fd.reset(openat(root_fd_.get(), parent.c_str(), flags, kFileMode));
  }
  // A filesystem without O_DIRECT (tmpfs) refuses the open: write through the cache there.
  if (!fd && direct && errno == EINVAL) {
    fd.reset(openat(root_fd_.get(), parent.c_str(), flags & ~O_DIRECT, kFileMode));
  }
  if (fd) {
    if (Status ok = WriteObject(fd.get(), data, shown); !ok) return std::unexpected(ok.error());
    const std::string proc = fmt::format("/proc/self/fd/{}", fd.get());
    if (linkat(AT_FDCWD, proc.c_str(), root_fd_.get(), target.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      return true;
    }
    if (errno == EEXIST) return false;
    return SystemFailure("create", shown, errno);
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return SystemFailure("create", shown, errno);
  }
  // No O_TMPFILE here: a hidden named file, linked (never renamed: link refuses to replace).
  const std::string temp = HiddenTempName(name);
  fd.reset(openat(root_fd_.get(), temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
                  kFileMode));
  if (!fd) return SystemFailure("create", (root_ / temp).string(), errno);
  Status written = WriteAll(fd.get(), data, shown);
  bool created = false;
  if (written) {
    if (linkat(root_fd_.get(), temp.c_str(), root_fd_.get(), target.c_str(), 0) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      written = SystemFailure("create", shown, errno);
    }
  }
  unlinkat(root_fd_.get(), temp.c_str(), 0);
  if (!written) return std::unexpected(written.error());
  return created;
}

Status DirectoryStore::Flush() {
  if (syncfs(root_fd_.get()) != 0) return SystemFailure("sync", root_.string(), errno);
  return {};
}

Result<std::optional<std::string>> DirectoryStore::Get(std::string_view name) const {
  return Read(name, 0, std::nullopt);
}

Result<std::optional<std::string>> DirectoryStore::GetRange(std::string_view name,
                                                           std::uint64_t offset,
                                                           std::size_t length) const {
  return Read(name, offset, length);
}

Result<std::shared_ptr<const util::UniqueFd>> DirectoryStore::OpenForRange(
    const std::string& name) const {
  std::lock_guard lock(ranged_mutex_);
  for (auto it = ranged_.begin(); it != ranged_.end(); ++it) {
    if (it->first != name) continue;
    // A file removed by another process (and perhaps put again) is opened anew.
    struct stat st {};
    if (fstat(it->second->get(), &st) != 0 || st.st_nlink == 0) {
      ranged_.erase(it);
      break;
    }
    ranged_.splice(ranged_.begin(), ranged_, it);  // most recent first
    return it->second;
  }
  util::UniqueFd opened(openat(root_fd_.get(), name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!opened) {
    if (errno == ENOENT) return std::shared_ptr<const util::UniqueFd>();
    return SystemFailure("open", (root_ / name).string(), errno);
  }
  auto fd = std::make_shared<const util::UniqueFd>(std::move(opened));
  ranged_.emplace_front(name, fd);
  if (ranged_.size() > kRangedFilesKept) ranged_.pop_back();
  return fd;
}

Result<std::optional<std::string>> DirectoryStore::Read(std::string_view name,
                                                       std::uint64_t offset,
                                                       std::optional<std::size_t> length) const {
  if (!IsValidObjectName(name)) return BadName(name);
  const std::string target(name);
  const std::string shown = (root_ / target).string();
  // A range comes through a kept descriptor, shared by the threads reading that object.
  std::shared_ptr<const util::UniqueFd> fd;
  if (length) {
    Result<std::shared_ptr<const util::UniqueFd>> kept = OpenForRange(target);
    if (!kept) return std::unexpected(kept.error());
    fd = std::move(*kept);
  } else {
    util::UniqueFd opened(openat(root_fd_.get(), target.c_str(), O_RDONLY | O_CLOEXEC));
    if (!opened && errno != ENOENT) return SystemFailure("open", shown, errno);
    if (opened) fd = std::make_shared<const util::UniqueFd>(std::move(opened));
  }
  if (!fd) return std::optional<std::string>();
  if (!length) {
    struct stat st {};
    if (fstat(fd->get(), &st) != 0) return SystemFailure("stat", shown, errno);
    length = static_cast<std::size_t>(st.st_size);
  }
  std::string data(*length, '\0');
  std::size_t have = 0;
  while (have < data.size()) {
    ssize_t n = pread(fd->get(), data.data() + have, data.size() - have,
                      static_cast<off_t>(offset + have));
    if (n < 0) {
      if (errno == EINTR) continue;
      return SystemFailure("read", shown, errno);
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  data.resize(have);
  return std::optional<std::string>(std::move(data));
}

Result<std::optional<std::uint64_t>> DirectoryStore::Size(std::string_view name) const {
  if (!IsValidObjectName(name)) return BadName(name);
  const std::string target(name);
  struct stat st {};
  if (fstatat(root_fd_.get(), target.c_str(), &st, 0) != 0) {
    if (errno == ENOENT) return std::optional<std::uint64_t>();
    return SystemFailure("stat", (root_ / target).string(), errno);
  }
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(st.st_size));
}

Result<bool> DirectoryStore::Exists(std::string_view name) const {
  if (!IsValidObjectName(name)) return BadName(name);
  const std::string target(name);
  if (faccessat(root_fd_.get(), target.c_str(), F_OK, 0) == 0) return true;
  if (errno == ENOENT) return false;
  return SystemFailure("look up", (root_ / target).string(), errno);
}

Result<std::vector<std::string>> DirectoryStore::List(std::string_view prefix) const {
  if (!IsValidObjectName(prefix)) return BadName(prefix);
  std::vector<std::string> names;
  std::error_code ec;
  const std::filesystem::path dir = root_ / std::string(prefix);
  std::filesystem::recursive_directory_iterator it(dir, ec), end;
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return names;
    return SystemFailure("list", dir.string(), ec.value());
  }
  for (; it != end; it.increment(ec)) {
    if (ec) return SystemFailure("list", dir.string(), ec.value());
    const std::string leaf = it->path().filename().string();
    if (!leaf.empty() && leaf.front() == '.') continue;  // a put in progress
    if (!it->is_regular_file(ec)) continue;
    names.push_back(it->path().lexically_relative(root_).generic_string());
  }
  if (ec) return SystemFailure("list", dir.string(), ec.value());
  std::sort(names.begin(), names.end());
  return names;
}

Status DirectoryStore::Delete(std::string_view name) {
  if (!IsValidObjectName(name)) return BadName(name);
  const std::string target(name);
  {
    std::lock_guard lock(ranged_mutex_);
    ranged_.remove_if([&](const auto& kept) { return kept.first == target; });
  }
  if (unlinkat(root_fd_.get(), target.c_str(), 0) != 0) {
    return SystemFailure("delete", (root_ / target).string(), errno);
  }
  return {};
}

Result<std::unique_ptr<StoreLock>> DirectoryStore::Lock(LockMode mode, bool wait) {
  util::UniqueFd fd(openat(root_fd_.get(), ".lock", O_RDWR | O_CREAT | O_CLOEXEC, kFileMode));
  if (!fd) return SystemFailure("open", (root_ / ".lock").string(), errno);
  const int op = (mode == LockMode::kShared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (flock(fd.get(), op) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      return Fail(ErrorCode::kResourceBusy, kErr,
                  fmt::format("repository '{}' is in use", root_.string()));
    }
    return SystemFailure("lock", (root_ / ".lock").string(), errno);
  }
  return std::unique_ptr<StoreLock>(new FlockLock(std::move(fd)));
}

}  // namespace cairn::repo
