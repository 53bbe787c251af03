#include "tools/cairn-backup/backup_server.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

namespace cairn::backup {
namespace {

// Beside the executable in a build tree; under LIBDIR/cairn once installed.
std::optional<std::filesystem::path> PluginPath() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  for (const std::filesystem::path& p :
       {exe.parent_path() / "nbdkit-cairn-plugin.so",
        exe.parent_path() / CAIRN_PLUGIN_FROM_BIN / "nbdkit-cairn-plugin.so"}) {
    if (std::filesystem::exists(p, ec)) return p.lexically_normal();
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> ServeCommandLine(const ServeRequest& request) {
  std::optional<std::filesystem::path> plugin = PluginPath();
  if (!plugin) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kNone,
                "nbdkit-cairn-plugin.so is not installed beside cairn-backup");
  }
  std::vector<std::string> argv{"nbdkit", "--foreground", "--readonly"};
  if (!request.socket.empty()) {
    argv.insert(argv.end(), {"--unix", request.socket});
  } else {
    const std::size_t colon = request.tcp.rfind(':');
    if (colon == std::string::npos) {
      return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                  fmt::format("--tcp '{}' is not HOST:PORT", request.tcp));
    }
    argv.insert(argv.end(), {"--ipaddr", request.tcp.substr(0, colon), "--port",
                             request.tcp.substr(colon + 1)});
  }
  argv.push_back(plugin->string());
  argv.push_back("repo=" + request.repository_dir);
  argv.push_back("index=" + request.disk.index);
  argv.push_back("digest=" + request.disk.sha256);
  if (!request.key_file.empty()) argv.push_back("key=" + request.key_file);
  return argv;
}

Status ExecServer(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);
  execvp(args[0], args.data());
  return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
              fmt::format("cannot run '{}': {}", argv[0], std::strerror(errno)));
}

}  // namespace cairn::backup
