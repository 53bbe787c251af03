// Local file reading with virsh's messages.
#include "tools/cairn/local_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace cairn::cli {
namespace {

constexpr std::size_t kMaxXmlFile = 10 * 1024 * 1024;  // virsh's VSH_MAX_XML_FILE

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Error SystemError(std::string message) {
  return Error(ErrorCode::kSystemError, ErrorDomain::kNone, std::move(message));
}

}  // namespace

Result<std::string> ReadLocalFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    return std::unexpected(
        SystemError(fmt::format("Failed to open file '{}': {}", path, std::strerror(errno))));
  }
  std::string text;
  char buf[65536];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f.get())) {
    text.append(buf, n);
    if (text.size() > kMaxXmlFile) {
      return std::unexpected(SystemError(fmt::format("File '{}' is too large", path)));
    }
  }
  if (std::ferror(f.get())) {
    return std::unexpected(
        SystemError(fmt::format("Failed to read file '{}': {}", path, std::strerror(errno))));
  }
  return text;
}

}  // namespace cairn::cli
