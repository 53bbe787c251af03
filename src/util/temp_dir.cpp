#include "util/temp_dir.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace cairn::util {

std::filesystem::path TempDir::Base() {
  const char* tmpdir = ::getenv("TMPDIR");
  return (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
}

Result<TempDir> TempDir::Create(std::string_view prefix) {
  const std::string pattern = (Base() / fmt::format("{}-XXXXXX", prefix)).string();
  std::string name = pattern;  // mkdtemp() scribbles on it even when it fails
  if (::mkdtemp(name.data()) == nullptr) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot create directory '{}': {}", pattern, std::strerror(errno)));
  }
  return TempDir(std::move(name));
}

TempDir::~TempDir() { Remove(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

void TempDir::Remove() noexcept {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace cairn::util
