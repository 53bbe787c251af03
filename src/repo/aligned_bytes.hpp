// repo/aligned_bytes.hpp — a growable byte buffer whose start is page aligned.
//
// An open pack is built in one: a DirectoryStore can then write it with O_DIRECT (the disk
// reads it in place: no copy into the page cache, which cost a quarter of a full backup's
// CPU). std::string gives no alignment, so this is its small replacement.
// Thread rule: a value; not synchronised.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

namespace cairn::repo {

class AlignedBytes {
 public:
  static constexpr std::size_t kAlign = 4096;

  // Makes room for `n` bytes in all without moving again.
  void Reserve(std::size_t n) {
    if (n <= capacity_) return;
    const std::size_t rounded = (n + kAlign - 1) / kAlign * kAlign;
    std::unique_ptr<char[], Free> bigger(static_cast<char*>(std::aligned_alloc(kAlign, rounded)));
    if (!bigger) throw std::bad_alloc();
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = rounded;
  }
  void Append(std::string_view bytes) {
    if (size_ + bytes.size() > capacity_) Reserve(std::max(size_ + bytes.size(), capacity_ * 2));
    std::memcpy(data_.get() + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  // Empties the buffer, keeping its memory (already faulted in: reusing it is cheaper).
  void Clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char[], Free> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace cairn::repo
