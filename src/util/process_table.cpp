// Processes by pid, through /proc and kill(pid, 0).
#include "util/process_table.hpp"

#include <signal.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <fstream>

#include "util/atomic_file.hpp"

namespace cairn::util {

std::optional<long> ReadNumberFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return std::nullopt;
  long v = 0;
  const char* b = text->data();
  const char* e = b + text->size();
  while (e > b && (e[-1] == '\n' || e[-1] == ' ')) --e;
  auto [end, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || end != e) return std::nullopt;
  return v;
}

bool ProcessExists(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::vector<std::string> ProcessCommandLine(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/cmdline", pid), std::ios::binary);
  std::vector<std::string> argv;
  if (!in) return argv;
  for (std::string arg; std::getline(in, arg, '\0');) argv.push_back(std::move(arg));
  return argv;
}

}  // namespace cairn::util
