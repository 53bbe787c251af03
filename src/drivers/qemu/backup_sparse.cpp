// PunchZeroRuns: SEEK_DATA / SEEK_HOLE over the file; its holes and the zero blocks in its
// data punched out.
#include "drivers/qemu/backup_sparse.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/unique_fd.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr off_t kBlock = 64 << 10;
constexpr std::size_t kChunk = 16 * kBlock;

std::unexpected<Error> SystemError(const std::string& path, std::string_view what) {
  return Fail(ErrorCode::kSystemError, ErrorDomain::kQemu,
              fmt::format("cannot make '{}' sparse ({}): {}", path, what, std::strerror(errno)));
}

bool AllZero(const char* p, std::size_t n) {
  return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0);
}

}  // namespace

Status PunchZeroRuns(const std::string& path) {
  util::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return SystemError(path, "open");
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return SystemError(path, "stat");
  if (!S_ISREG(st.st_mode)) return {};
  const off_t size = st.st_size;
  std::vector<char> buf(kChunk);
  off_t zero_start = -1;  // the run of zero blocks not yet punched
  auto punch = [&](off_t end) -> Status {
    if (zero_start >= 0 && end > zero_start &&
        ::fallocate(fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, zero_start,
                    end - zero_start) != 0) {
      return SystemError(path, "punch hole");
    }
    zero_start = -1;
    return {};
  };
  // What SEEK_DATA skips reads as zeros but may still hold blocks (ext4 reports the
  // unwritten extents of fallocate ZERO_RANGE as holes): it is punched without reading.
  for (off_t pos = 0; pos < size;) {
    off_t data = ::lseek(fd.get(), pos, SEEK_DATA);
    if (data < 0) {
      if (errno != ENXIO) return SystemError(path, "seek");
      data = size;
    }
    zero_start = pos;
    if (Status ok = punch(data); !ok) return ok;
    if (data >= size) break;
    off_t hole = ::lseek(fd.get(), data, SEEK_HOLE);
    if (hole < 0) hole = size;
    for (off_t off = data - data % kBlock; off < hole;) {
      const std::size_t want = static_cast<std::size_t>(std::min<off_t>(kChunk, hole - off));
      const ssize_t got = ::pread(fd.get(), buf.data(), want, off);
      if (got < 0) return SystemError(path, "read");
      if (got == 0) break;
      for (ssize_t at = 0; at < got; at += kBlock) {
        const std::size_t n = static_cast<std::size_t>(std::min<ssize_t>(kBlock, got - at));
        if (AllZero(buf.data() + at, n)) {
          if (zero_start < 0) zero_start = off + at;
        } else if (Status ok = punch(off + at); !ok) {
          return ok;
        }
      }
      off += got;
    }
    if (Status ok = punch(hole); !ok) return ok;
    pos = hole;
  }
  return {};
}

}  // namespace cairn::drivers::qemu
