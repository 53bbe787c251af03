// util/unique_fd.hpp — UniqueFd, the one owner of a file descriptor.
//
// A UniqueFd closes its descriptor exactly once, in its destructor or in reset(); it is
// move-only, so ownership is always visible in the types. It does not retry close() on EINTR
// (on Linux the descriptor is gone either way) and it never reports close errors: code that
// must know a write reached the disk calls fsync() before letting go.
#pragma once

namespace cairn::util {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of `fd`; -1 means "owns nothing".
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  // The descriptor, still owned by this object; -1 when empty.
  int get() const { return fd_; }

  // Gives up ownership without closing; the caller now owns the returned descriptor.
  [[nodiscard]] int release() noexcept;

  // Closes the owned descriptor (if any) and takes ownership of `fd`.
  void reset(int fd = -1) noexcept;

  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace cairn::util
