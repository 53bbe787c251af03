#include "tools/cairn-backup/disk_restore.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"
#include "util/unique_fd.hpp"

namespace cairn::backup {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
// How long nbdkit may take to open the repository and listen.
constexpr auto kServerStart = std::chrono::seconds(30);

std::unexpected<Error> SystemError(std::string_view what, const std::filesystem::path& path,
                                   int err) {
  return Fail(ErrorCode::kSystemError, kErr,
              fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(err)));
}

std::unexpected<Error> TargetExists(const std::filesystem::path& target) {
  return Fail(ErrorCode::kOperationInvalid, kErr,
              fmt::format("'{}' already exists; remove it or restore elsewhere", target.string()));
}

// What a program printed, without the newlines it ended with.
std::string_view WithoutTrailingNewlines(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return text;
}

// The image being written: a new file with a name of its own beside the target
// (".NAME.XXXXXX.partial"), so that two restores to one target never touch each other's.
struct PartialImage {
  std::filesystem::path path;
  std::string cache;  // qemu-img's cache mode for it
};

// Creates the partial image and picks qemu-img's cache mode for its file system: "none"
// (O_DIRECT: the data skips the page cache, which is what made a restore slower than its
// backup) where the file system has it, "writeback" where it does not (tmpfs).
Result<PartialImage> CreatePartial(const std::filesystem::path& target) {
  std::string name =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX.partial")).string();
  util::UniqueFd fd(mkostemps(name.data(), 8, O_CLOEXEC));  // 8: ".partial"
  if (!fd) return SystemError("create an image in", target.parent_path(), errno);
  const int flags = fcntl(fd.get(), F_GETFL);
  const bool direct = flags >= 0 && fcntl(fd.get(), F_SETFL, flags | O_DIRECT) == 0;
  return PartialImage{name, direct ? "none" : "writeback"};
}

// nbdkit serving `source` read-only on `socket`, once it listens; its messages go to `log`.
// --exit-with-parent: it never outlives this process.
Result<util::ChildProcess> StartServer(const ServedDisk& source, const std::string& socket,
                                       const std::filesystem::path& log) {
  util::UniqueFd log_fd(open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log_fd) return SystemError("create", log, errno);
  const std::filesystem::path pidfile = log.parent_path() / "nbdkit.pid";
  std::vector<std::string> argv{"nbdkit",  "--foreground", "--exit-with-parent", "--readonly",
                                "--unix",  socket,         "--pidfile",          pidfile.string()};
  for (std::string& a : PluginArguments(source)) argv.push_back(std::move(a));
  Result<util::ChildProcess> server = util::ChildProcess::Spawn(
      argv, {.in = util::Redirect::Null(), .out = util::Redirect::Null(),
             .err = util::Redirect::ToFd(log_fd.get())});
  if (!server) return server;
  // nbdkit writes its pid file once it listens.
  const auto deadline = std::chrono::steady_clock::now() + kServerStart;
  std::error_code ec;
  while (std::filesystem::file_size(pidfile, ec) == 0 || ec) {
    Result<std::optional<util::ExitStatus>> ended = server->TryWait();
    if (!ended) return std::unexpected(ended.error());
    if (*ended || std::chrono::steady_clock::now() >= deadline) {
      const std::string said = util::ReadFile(log).value_or("");
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("nbdkit did not serve the backup ({}): {}",
                              *ended ? (*ended)->Describe() : "no answer within 30 s",
                              WithoutTrailingNewlines(said)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return server;
}

// Follows qemu-img's "    (12.34/100%)\r" meter. Its share counts the data written, so
// `moved` is that share of the disk's stored bytes and `covered` that share of the disk.
class ConvertMeter {
 public:
  ConvertMeter(DiskProgress* progress, std::uint64_t data_bytes)
      : progress_(progress), data_bytes_(data_bytes) {}
  void Feed(std::string_view piece) {
    if (!progress_) return;
    pending_ += piece;
    std::size_t end;
    while ((end = pending_.find_first_of("\r\n")) != std::string::npos) {
      const std::size_t open = pending_.find('(');
      if (open < end) {
        const double percent = std::strtod(pending_.c_str() + open + 1, nullptr);
        const double share = std::min(std::max(percent, 0.0), 100.0) / 100.0;
        progress_->moved = static_cast<std::uint64_t>(share * double(data_bytes_));
        progress_->covered = static_cast<std::uint64_t>(share * double(progress_->size.load()));
      }
      pending_.erase(0, end + 1);
    }
  }

 private:
  DiskProgress* progress_;
  const std::uint64_t data_bytes_;
  std::string pending_;
};

// The first error the plugin reported in nbdkit's `log` (a damaged or missing chunk names
// itself there), else qemu-img's last word on `err`.
std::string FailureText(std::string_view log, std::string_view err) {
  constexpr std::string_view kPluginError = ": error: ";
  for (std::size_t at = 0; at < log.size();) {
    std::size_t end = log.find('\n', at);
    if (end == std::string_view::npos) end = log.size();
    const std::string_view line = log.substr(at, end - at);
    at = end + 1;
    if (std::size_t e = line.find(kPluginError); e != std::string_view::npos) {
      return std::string(line.substr(e + kPluginError.size()));
    }
  }
  err = WithoutTrailingNewlines(err);
  const std::size_t last = err.rfind('\n');
  return err.empty() ? "no message" : std::string(err.substr(last + 1));
}

// Gives the complete, flushed image its name. A rename that may not replace (or, where the
// file system has no such rename, a hard link) never writes over a file that appeared
// meanwhile. Errors: kOperationInvalid if `target` exists, else kSystemError.
Status Publish(const std::filesystem::path& partial, const std::filesystem::path& target) {
  if (renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    int err = errno;
    if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {  // NFS, for one
      err = link(partial.c_str(), target.c_str()) == 0 ? 0 : errno;
      if (err == 0) unlink(partial.c_str());
    }
    if (err == EEXIST) return TargetExists(target);
    if (err != 0) return SystemError("name the restored image", target, err);
  }
  return util::SyncDirectory(target.parent_path());
}

// Forces the image to disk and checks that it got there: qemu-img flushes when it closes the
// image but still exits 0 when that last flush fails.
Status SyncImage(const std::filesystem::path& image, std::string_view qemu_img_err) {
  if (qemu_img_err.find("qemu-img:") != std::string_view::npos) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("qemu-img did not finish '{}': {}", image.string(),
                            WithoutTrailingNewlines(qemu_img_err)));
  }
  util::UniqueFd fd(open(image.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd || fsync(fd.get()) != 0) return SystemError("sync", image, errno);
  return {};
}

}  // namespace

Result<RestoreTotals> RestoreDisk(const ServedDisk& source, const repo::DiskIndex& index,
                                  const std::filesystem::path& target, ImageFormat format,
                                  DiskProgress* progress) {
  if (repo::DiskDigest(index) != source.disk.sha256) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("the disk index does not match its manifest's digest {}",
                            source.disk.sha256));
  }
  const std::filesystem::path absolute = std::filesystem::absolute(target);
  std::error_code ec;
  if (std::filesystem::symlink_status(absolute, ec).type() != std::filesystem::file_type::not_found) {
    return TargetExists(target);
  }
  RestoreTotals totals;
  for (std::size_t i = 0; i < index.slot_count(); ++i) {
    if (!index.slot(i)) continue;
    totals.bytes_written += index.SlotBytes(i);
    ++totals.chunks;
  }

  Result<util::TempDir> dir = util::TempDir::Create("cairn-restore");
  if (!dir) return std::unexpected(dir.error());
  const std::string socket = (dir->path() / "nbd.sock").string();
  const std::filesystem::path log = dir->path() / "nbdkit.log";
  Result<util::ChildProcess> server = StartServer(source, socket, log);
  if (!server) return std::unexpected(server.error());
  Result<PartialImage> partial = CreatePartial(absolute);
  if (!partial) return std::unexpected(partial.error());

  // setpriv: qemu-img is killed with this process, never left writing an orphaned image.
  const std::vector<std::string> argv{
      "setpriv", "--pdeathsig", "KILL", "qemu-img", "convert", "-p", "-f", "raw", "-O",
      format == ImageFormat::kRaw ? "raw" : "qcow2", "-m", "8", "-W", "-t", partial->cache,
      "nbd+unix:///?socket=" + socket, partial->path.string()};
  if (progress) progress->size = index.disk_size();
  ConvertMeter meter(progress, totals.bytes_written);
  Result<util::CommandOutput> ran =
      util::RunCommand(argv, [&](std::string_view piece) { meter.Feed(piece); });
  Status done;
  if (!ran) {
    done = std::unexpected(ran.error());
  } else if (!ran->status.Success()) {
    done = Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("cannot restore disk {} to '{}': {}", source.disk.name,
                            target.string(), FailureText(util::ReadFile(log).value_or(""), ran->err)));
  } else if (done = SyncImage(partial->path, ran->err); done) {
    done = Publish(partial->path, absolute);
  }
  if (!done) {
    std::filesystem::remove(partial->path, ec);
    return std::unexpected(done.error());
  }
  if (progress) progress->covered = progress->size.load();
  return totals;
}

}  // namespace cairn::backup
