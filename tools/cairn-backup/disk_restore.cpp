#include "tools/cairn-backup/disk_restore.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "util/child_process.hpp"
#include "util/unique_fd.hpp"

namespace cairn::backup {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;

std::unexpected<Error> SystemError(std::string_view what, const std::filesystem::path& path,
                                   int err) {
  return Fail(ErrorCode::kSystemError, kErr,
              fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(err)));
}

// `s` as one word of a POSIX shell command ('...', each ' closed, escaped and reopened).
std::string ShellWord(std::string_view s) {
  std::string word = "'";
  for (char c : s) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

// Creates `partial` and picks qemu-img's cache mode for its file system: "none" (O_DIRECT:
// the data skips the page cache, which is what made a restore slower than its backup)
// where the file system has it, "writeback" where it does not (tmpfs). qemu-img flushes the
// image before it exits in both.
Result<std::string> CreateAndPickCache(const std::filesystem::path& partial) {
  util::UniqueFd fd(open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return SystemError("create", partial, errno);
  const int flags = fcntl(fd.get(), F_GETFL);
  if (flags >= 0 && fcntl(fd.get(), F_SETFL, flags | O_DIRECT) == 0) return "none";
  return "writeback";
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

// Why the restore failed, from what nbdkit and qemu-img printed: the plugin's own error (a
// damaged or missing chunk names itself there) when it reported one, else qemu-img's.
std::string FailureText(std::string_view err) {
  constexpr std::string_view kPluginError = ": error: ";
  std::string text;
  for (std::size_t at = 0; at < err.size();) {
    std::size_t end = err.find('\n', at);
    if (end == std::string_view::npos) end = err.size();
    const std::string_view line = err.substr(at, end - at);
    at = end + 1;
    if (line.starts_with("nbdkit:")) {
      if (std::size_t e = line.find(kPluginError); e != std::string_view::npos) {
        return std::string(line.substr(e + kPluginError.size()));
      }
    }
    if (!line.empty()) text = std::string(line);  // the last line: qemu-img's verdict
  }
  return text.empty() ? "no message" : text;
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
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("'{}' already exists; remove it or restore elsewhere",
                            target.string()));
  }
  RestoreTotals totals;
  for (std::size_t i = 0; i < index.slot_count(); ++i) {
    if (!index.slot(i)) continue;
    totals.bytes_written += index.SlotBytes(i);
    ++totals.chunks;
  }

  const std::filesystem::path absolute = std::filesystem::absolute(target);
  const std::filesystem::path partial =
      absolute.parent_path() / ("." + absolute.filename().string() + ".partial");
  std::filesystem::remove(partial, ec);  // a killed restore's
  Result<std::string> cache = CreateAndPickCache(partial);
  if (!cache) return std::unexpected(cache.error());

  std::vector<std::string> argv{
      "nbdkit", "--exit-with-parent", "--readonly", "-U", "-", "--run",
      fmt::format("exec qemu-img convert -p -f raw -O {} -m 8 -W -t {} \"$uri\" {}",
                  format == ImageFormat::kRaw ? "raw" : "qcow2", *cache,
                  ShellWord(partial.string()))};
  for (std::string& a : PluginArguments(source)) argv.push_back(std::move(a));
  if (progress) progress->size = index.disk_size();
  ConvertMeter meter(progress, totals.bytes_written);
  Result<util::CommandOutput> ran =
      util::RunCommand(argv, [&](std::string_view piece) { meter.Feed(piece); });
  Status done;
  bool linked = false;
  if (!ran) {
    done = std::unexpected(ran.error());
  } else if (!ran->status.Success()) {
    done = Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("cannot restore disk {} to '{}': {}", source.disk.name,
                            target.string(), FailureText(ran->err)));
  } else if (link(partial.c_str(), absolute.c_str()) != 0) {  // never over another's file
    done = SystemError("name the restored image", target, errno);
  } else {
    linked = true;
    util::UniqueFd dir(open(absolute.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir || fsync(dir.get()) != 0) done = SystemError("sync the directory of", target, errno);
  }
  std::filesystem::remove(partial, ec);
  if (!done) {
    if (linked) std::filesystem::remove(absolute, ec);
    return std::unexpected(done.error());
  }
  if (progress) progress->covered = progress->size.load();
  return totals;
}

}  // namespace cairn::backup
