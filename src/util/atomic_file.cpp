#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <random>

#include "util/unique_fd.hpp"

namespace cairn::util {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> SystemError(std::string_view what, const fs::path& path, int err) {
  return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
              fmt::format("{} '{}': {}", what, path.string(), std::strerror(err)));
}

fs::path DirectoryOf(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

std::string RandomSuffix() {
  static constexpr std::string_view kChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, kChars.size() - 1);
  std::string suffix(6, ' ');
  for (char& c : suffix) c = kChars[pick(engine)];
  return suffix;
}

// The temp file of one write: unlinked by the destructor unless the write renamed it into
// place or a simulated crash abandoned it.
class TempFile {
 public:
  static Result<TempFile> Create(const fs::path& target, mode_t mode) {
    fs::path dir = DirectoryOf(target);
    std::string stem = "." + target.filename().string() + ".tmp-";
    for (int attempt = 0;; ++attempt) {
      fs::path path = dir / (stem + RandomSuffix());
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd >= 0) return TempFile(UniqueFd(fd), std::move(path));
      if (errno != EEXIST || attempt == 100) return SystemError("cannot create", path, errno);
    }
  }

  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(TempFile&& other) noexcept
      : fd_(std::move(other.fd_)), path_(std::exchange(other.path_, {})) {}
  TempFile& operator=(TempFile&&) = delete;

  int fd() const { return fd_.get(); }
  const fs::path& path() const { return path_; }
  // The file is no longer ours to remove: renamed into place, or left behind by a "crash".
  void Release() { path_.clear(); }

 private:
  TempFile(UniqueFd fd, fs::path path) : fd_(std::move(fd)), path_(std::move(path)) {}

  UniqueFd fd_;
  fs::path path_;
};

Status WriteAll(int fd, std::string_view content, const fs::path& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SystemError("cannot write", path, errno);
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

Status SyncDirectory(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return SystemError("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return SystemError("cannot sync directory", dir, errno);
  return {};
}

Status WriteFileAtomically(const fs::path& path, std::string_view content,
                           const AtomicWriteOptions& options) {
  Result<TempFile> temp = TempFile::Create(path, options.mode);
  if (!temp) return std::unexpected(temp.error());

  auto after = [&](AtomicWriteStep step) -> Status {
    if (!options.fault_hook) return {};
    Status injected = options.fault_hook(step);
    if (!injected && options.crash_on_fault) temp->Release();
    return injected;
  };

  if (Status s = after(AtomicWriteStep::kTempCreated); !s) return s;
  if (Status s = WriteAll(temp->fd(), content, temp->path()); !s) return s;
  if (Status s = after(AtomicWriteStep::kWritten); !s) return s;
  // Without this fsync the rename could reach the disk before the data, and a crash would
  // leave the target empty: the torn write this whole unit exists to prevent.
  if (options.sync && ::fsync(temp->fd()) != 0) {
    return SystemError("cannot sync", temp->path(), errno);
  }
  if (Status s = after(AtomicWriteStep::kSynced); !s) return s;
  if (::rename(temp->path().c_str(), path.c_str()) != 0) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot rename '{}' to '{}': {}", temp->path().string(), path.string(),
                            std::strerror(errno)));
  }
  temp->Release();
  if (Status s = after(AtomicWriteStep::kRenamed); !s) return s;
  if (!options.sync || !options.sync_directory) return {};
  // The rename is only durable once the directory entry is.
  if (Status s = SyncDirectory(DirectoryOf(path)); !s) return s;
  return after(AtomicWriteStep::kDirSynced);
}

Status RemoveFile(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) return SystemError("cannot remove", path, errno);
  return {};
}

Status RemoveFileDurably(const fs::path& path) {
  if (Status s = RemoveFile(path); !s) return s;
  return SyncDirectory(DirectoryOf(path));
}

Result<std::string> ReadFile(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return SystemError("cannot read", path, errno);
  std::string content;
  struct stat st;
  // A regular file is read once its size is: a last read to see the end costs a syscall on
  // every state file of every call. Other files (/proc) are read to the end.
  std::optional<size_t> size;
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) {
    size = static_cast<size_t>(st.st_size);
    content.reserve(*size);
  }
  std::array<char, 65536> buffer;
  for (;;) {
    if (size && content.size() >= *size && *size > 0) return content;
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SystemError("cannot read", path, errno);
    if (n == 0) return content;
    content.append(buffer.data(), static_cast<size_t>(n));
  }
}

Status EnsureDirectory(const fs::path& path, mode_t mode) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
  fs::path current;
  for (const fs::path& part : path) {
    if (part.empty()) continue;  // the one a trailing '/' yields
    current /= part;
    if (current == current.root_path()) continue;
    if (::mkdir(current.c_str(), mode) == 0) {
      if (Status s = SyncDirectory(DirectoryOf(current)); !s) return s;
      continue;
    }
    int err = errno;
    if (err == EEXIST && ::stat(current.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    return SystemError("cannot create directory", current, err);
  }
  return {};
}

Result<std::size_t> RemoveAbandonedTempFiles(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return std::size_t{0};
  std::size_t removed = 0;
  for (const fs::directory_entry& e : it) {
    std::string name = e.path().filename().string();
    std::size_t mark = name.rfind(".tmp-");
    if (name.size() < 2 || name[0] != '.' || mark == std::string::npos || mark == 0 ||
        name.size() - mark != 5 + 6) {
      continue;
    }
    if (::unlink(e.path().c_str()) != 0 && errno != ENOENT) {
      return SystemError("cannot remove", e.path(), errno);
    }
    ++removed;
  }
  if (removed > 0) {
    if (Status ok = SyncDirectory(dir); !ok) return std::unexpected(ok.error());
  }
  return removed;
}

}  // namespace cairn::util
