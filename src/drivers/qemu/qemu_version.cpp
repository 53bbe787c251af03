// QemuBinaryVersion: runs `BINARY --version` once, parses the first line, caches it.
#include "drivers/qemu/qemu_version.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <regex>

#include "util/child_process.hpp"

namespace cairn::drivers::qemu {
namespace {

Result<unsigned long> AskBinary(const std::string& binary) {
  Result<util::CommandOutput> run = util::RunCommand({binary, "--version"});
  if (!run) return std::unexpected(run.error());
  std::smatch m;
  static const std::regex kVersion(R"(QEMU emulator version ([0-9]+)\.([0-9]+)\.([0-9]+))");
  if (!run->status.Success() || !std::regex_search(run->out, m, kVersion)) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                fmt::format("cannot parse the version of '{}' from '{}'", binary,
                            run->out.substr(0, run->out.find('\n'))));
  }
  return std::stoul(m[1]) * 1000000 + std::stoul(m[2]) * 1000 + std::stoul(m[3]);
}

}  // namespace

Result<unsigned long> QemuBinaryVersion(const std::string& binary) {
  static std::mutex mutex;
  static std::map<std::string, unsigned long> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(binary); it != cache.end()) return it->second;
  Result<unsigned long> v = AskBinary(binary);
  if (v) cache.emplace(binary, *v);
  return v;
}

}  // namespace cairn::drivers::qemu
