// The disks and page cache around bench/backup's measurements.
#include "backup_workload.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "qmp/qmp_client.hpp"

namespace cairn::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "backup: %s\n", what.c_str());
  std::exit(1);
}

void Sh(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) Die("command failed: " + cmd);
}

// splitmix64: fast enough that making 1 GiB costs far less than copying it.
std::uint64_t Next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

void WriteRandomFile(const std::string& path, std::uint64_t bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::vector<std::uint64_t> block(kMiB / sizeof(std::uint64_t));
  std::uint64_t state = 0x5eed;
  for (std::uint64_t done = 0; done < bytes && out; done += kMiB) {
    for (std::uint64_t& word : block) word = Next(state);
    if (done == 0) {
      // No boot signature in the first sector: the firmware must not try to run the data.
      reinterpret_cast<unsigned char*>(block.data())[510] = 0;
    }
    out.write(reinterpret_cast<const char*>(block.data()),
              static_cast<std::streamsize>(std::min<std::uint64_t>(kMiB, bytes - done)));
  }
  if (!out.flush()) Die("cannot write " + path);
}

void MakeQcow2WithData(const std::string& raw, const std::string& image,
                       std::uint64_t virtual_bytes) {
  Sh(fmt::format("qemu-img convert -f raw -O qcow2 '{}' '{}'", raw, image));
  Sh(fmt::format("qemu-img resize -q -f qcow2 '{}' {}", image, virtual_bytes));
}

void EvictFromPageCache(const std::string& path) {
  ::sync();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Die("cannot open " + path);
  const bool ok = ::fdatasync(fd) == 0 && ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
  ::close(fd);
  if (!ok) Die("cannot evict " + path + " from the page cache");
}

std::uint64_t CachedBytes(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Die("cannot open " + path);
  struct stat st {};
  ::fstat(fd, &st);
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return 0;
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  std::uint64_t cached = 0;
  if (::mincore(map, size, resident.data()) == 0) {
    for (unsigned char r : resident) cached += (r & 1) ? page : 0;
  }
  ::munmap(map, size);
  return cached;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string first;
  in >> first;
  return first.empty() ? "?" : first;
}

std::string FirstLineOf(const std::string& command) {
  std::FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {};
  char line[256] = {};
  const bool got = std::fgets(line, sizeof line, p) != nullptr;
  ::pclose(p);
  std::string text = got ? line : "";
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

double TimedRawCopy(const std::string& from, const std::string& to) {
  const auto t0 = std::chrono::steady_clock::now();
  Sh(fmt::format("dd if='{}' of='{}' bs=4M conv=fsync status=none", from, to));
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void GuestWriter::Write(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& runs,
                        int pattern) const {
  auto qmp = qmp::QmpClient::Connect(qmp_socket_);
  if (!qmp) Die("QMP: " + qmp.error().Text());
  for (const auto& [offset, length] : runs) {
    auto reply = qmp->Execute(
        "human-monitor-command",
        {{"command-line",
          fmt::format("qemu-io -d /machine/peripheral/{}/virtio-backend \"write -P {} {} {}\"",
                      device_, pattern, offset, length)}});
    if (!reply) Die("guest write: " + reply.error().Text());
    // qemu-io's own output (and its I/O errors) goes to QEMU's stdout; a reply is HMP's
    // complaint about the command itself (no such device, bad syntax).
    if (!reply->is_string() || !reply->get<std::string>().empty()) {
      Die("guest write: " + reply->dump());
    }
  }
}

void GuestWriter::DirtyContiguous(std::uint64_t offset, std::uint64_t bytes, int pattern) const {
  if (offset + bytes > disk_bytes_) Die("contiguous dirt does not fit on the disk");
  if (bytes > 0) Write({{offset, bytes}}, pattern);
}

void GuestWriter::DirtyScattered(std::uint64_t bytes, std::uint64_t granule, int pattern) const {
  const std::uint64_t count = bytes / granule;
  if (count == 0) return;
  if (bytes > disk_bytes_) Die("scattered dirt does not fit on the disk");
  const std::uint64_t stride = disk_bytes_ / count / granule * granule;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;
  for (std::uint64_t i = 0; i < count; ++i) runs.emplace_back(i * stride, granule);
  Write(runs, pattern);
}

}  // namespace cairn::bench
