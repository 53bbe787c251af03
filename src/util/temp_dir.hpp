// util/temp_dir.hpp — TempDir, a fresh private directory removed with everything in it.
//
// Create() makes a new directory (mode 0700, unique name, never an existing one) under
// $TMPDIR, or /tmp when it is unset or empty. The destructor removes it recursively;
// removal errors are ignored, since a destructor has no one to report them to.
#pragma once

#include <filesystem>
#include <string_view>
#include <utility>

#include "cairn/error.hpp"

namespace cairn::util {

class TempDir {
 public:
  // Creates "<tmpdir>/<prefix>-XXXXXX". Fails with kSystemError naming the template path.
  static Result<TempDir> Create(std::string_view prefix = "cairn");
  // Where Create makes its directories: $TMPDIR, else /tmp.
  static std::filesystem::path Base();

  ~TempDir();
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty once moved from.
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove() noexcept;

  std::filesystem::path path_;
};

}  // namespace cairn::util
