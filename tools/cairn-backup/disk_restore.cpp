#include "tools/cairn-backup/disk_restore.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nbd/nbd_export.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"
#include "util/unique_fd.hpp"

namespace cairn::backup {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;

// Where restored slots go; Write() may be called by worker `worker` concurrently with others.
class ImageWriter {
 public:
  virtual ~ImageWriter() = default;
  virtual Status Write(unsigned worker, std::uint64_t offset, std::string_view data) = 0;
  virtual Status Finish() = 0;
};

class RawWriter final : public ImageWriter {
 public:
  RawWriter(util::UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Status Write(unsigned, std::uint64_t offset, std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = pwrite(fd_.get(), data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return SystemError("write", errno);
      data.remove_prefix(static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
    return {};
  }
  Status Finish() override {
    if (fsync(fd_.get()) != 0) return SystemError("sync", errno);
    return {};
  }

 private:
  Status SystemError(std::string_view what, int err) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot {} '{}': {}", what, path_, std::strerror(err)));
  }
  util::UniqueFd fd_;
  std::string path_;
};

// A new qcow2 image served by qemu-nbd; one NBD connection per worker.
class Qcow2Writer final : public ImageWriter {
 public:
  static Result<std::unique_ptr<Qcow2Writer>> Create(const std::filesystem::path& path,
                                                     std::uint64_t size, unsigned workers) {
    Status made = Run({"qemu-img", "create", "-q", "-f", "qcow2", path.string(),
                       std::to_string(size)});
    if (!made) return std::unexpected(made.error());
    Result<util::TempDir> dir = util::TempDir::Create("cairn-restore");
    if (!dir) return std::unexpected(dir.error());
    const std::string socket = (dir->path() / "nbd.sock").string();
    Result<util::ChildProcess> server = util::ChildProcess::Spawn(
        {"qemu-nbd", "--persistent", fmt::format("--shared={}", workers), "--format=qcow2",
         "--socket=" + socket, path.string()},
        {.out = util::Redirect::Null()});
    if (!server) return std::unexpected(server.error());
    auto writer = std::unique_ptr<Qcow2Writer>(
        new Qcow2Writer(std::move(*dir), std::move(*server)));
    const std::string uri = "nbd+unix:///?socket=" + socket;
    for (unsigned i = 0; i < workers; ++i) {
      Result<nbd::NbdExport> c = ConnectWhenReady(uri);
      if (!c) return std::unexpected(c.error());
      writer->connections_.push_back(std::move(*c));
    }
    return writer;
  }
  Status Write(unsigned worker, std::uint64_t offset, std::string_view data) override {
    return connections_[worker].Write(data.data(), data.size(), offset);
  }
  Status Finish() override {
    if (Status ok = connections_.front().Flush(); !ok) return ok;
    connections_.clear();
    // qemu-nbd closes the image cleanly on SIGTERM.
    if (Status ok = server_.Kill(SIGTERM); !ok) return ok;
    Result<util::ExitStatus> ended = server_.Wait();
    if (!ended) return std::unexpected(ended.error());
    return {};
  }

 private:
  Qcow2Writer(util::TempDir dir, util::ChildProcess server)
      : dir_(std::move(dir)), server_(std::move(server)) {}

  static Status Run(const std::vector<std::string>& argv) {
    Result<util::ChildProcess> child =
        util::ChildProcess::Spawn(argv, {.out = util::Redirect::Null()});
    if (!child) return std::unexpected(child.error());
    Result<util::ExitStatus> status = child->Wait();
    if (!status) return std::unexpected(status.error());
    if (!status->Success()) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("'{}' {}", fmt::join(argv, " "), status->Describe()));
    }
    return {};
  }
  // qemu-nbd binds its socket before it listens: a connect in between is refused. Retried
  // with a whole NBD client (a bare probe connection would make qemu-nbd print a broken pipe).
  static Result<nbd::NbdExport> ConnectWhenReady(const std::string& uri) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      Result<nbd::NbdExport> c = nbd::NbdExport::Connect(uri);
      if (c || std::chrono::steady_clock::now() >= deadline) return c;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  util::TempDir dir_;
  util::ChildProcess server_;
  std::vector<nbd::NbdExport> connections_;
};

// Slots a restore worker takes at once: 1 MiB of 64 KiB chunks.
constexpr std::size_t kSlotsPerClaim = 16;

}  // namespace

Result<RestoreTotals> RestoreDisk(const repo::Repository& repository,
                                  const repo::DiskIndex& index, std::string_view expected_digest,
                                  const std::filesystem::path& target, ImageFormat format,
                                  unsigned threads, DiskProgress* progress) {
  if (repo::DiskDigest(index) != expected_digest) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("the disk index does not match its manifest's digest {}",
                            expected_digest));
  }
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("'{}' already exists; remove it or restore elsewhere",
                            target.string()));
  }
  // Two workers a core: while one waits on its write, the other fetches and checks.
  if (threads == 0) threads = 2 * std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<ImageWriter> writer;
  if (format == ImageFormat::kRaw) {
    util::UniqueFd fd(open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd || ftruncate(fd.get(), static_cast<off_t>(index.disk_size())) != 0) {
      return Fail(ErrorCode::kSystemError, kErr,
                  fmt::format("cannot create '{}': {}", target.string(), std::strerror(errno)));
    }
    writer = std::make_unique<RawWriter>(std::move(fd), target.string());
  } else {
    Result<std::unique_ptr<Qcow2Writer>> q = Qcow2Writer::Create(target, index.disk_size(), threads);
    if (!q) {
      std::filesystem::remove(target, ec);
      return std::unexpected(q.error());
    }
    writer = std::move(*q);
  }

  if (progress) progress->size = index.disk_size();
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  Status first_error;
  RestoreTotals totals;
  // Each worker claims kSlotsPerClaim slots at a time and writes each run of stored slots in
  // it with one write: one NBD request per MiB rather than per chunk, which is what qemu-nbd
  // spent its time on (a wakeup and a reply per 64 KiB). Zero slots end a run and are not
  // written: the new image reads them as zeros.
  const std::size_t slots = index.slot_count();
  auto work = [&](unsigned worker) {
    RestoreTotals mine;
    std::string run;
    std::uint64_t run_offset = 0;
    auto write_run = [&]() -> Status {
      if (run.empty()) return {};
      Status ok = writer->Write(worker, run_offset, run);
      run.clear();
      return ok;
    };
    auto fail = [&](const Status& ok) {
      std::lock_guard lock(mutex);
      if (first_error) first_error = ok;
      next = slots;
    };
    for (std::size_t first = next.fetch_add(kSlotsPerClaim); first < slots;
         first = next.fetch_add(kSlotsPerClaim)) {
      const std::size_t end = std::min(slots, first + kSlotsPerClaim);
      for (std::size_t i = first; i < end; ++i) {
        if (!index.slot(i)) {
          if (Status ok = write_run(); !ok) return fail(ok);
          continue;
        }
        Result<std::string> data = repository.GetChunk(*index.slot(i));
        Status ok = data ? Status{} : Status(std::unexpected(data.error()));
        if (ok && data->size() != index.SlotBytes(i)) {
          ok = Fail(ErrorCode::kOperationFailed, kErr,
                    fmt::format("chunk {} holds {} bytes where slot {} needs {}",
                                repo::Hex(*index.slot(i)), data->size(), i, index.SlotBytes(i)));
        }
        if (!ok) return fail(ok);
        if (run.empty()) run_offset = std::uint64_t(i) * index.chunk_size();
        run += *data;
        mine.bytes_written += data->size();
        ++mine.chunks;
        if (progress) progress->moved += data->size();
      }
      if (Status ok = write_run(); !ok) return fail(ok);
      if (progress) {
        progress->covered = std::uint64_t(std::min(next.load(), slots)) * index.chunk_size();
      }
    }
    std::lock_guard lock(mutex);
    totals.bytes_written += mine.bytes_written;
    totals.chunks += mine.chunks;
  };
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < threads; ++w) workers.emplace_back(work, w);
  for (std::thread& t : workers) t.join();
  Status finished = writer->Finish();
  writer.reset();
  if (!first_error || !finished) {
    std::filesystem::remove(target, ec);
    return std::unexpected(!first_error ? first_error.error() : finished.error());
  }
  return totals;
}

}  // namespace cairn::backup
