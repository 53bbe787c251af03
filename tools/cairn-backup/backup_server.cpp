#include "tools/cairn-backup/backup_server.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace cairn::backup {

Result<std::vector<std::string>> ServeCommandLine(const ServeRequest& request) {
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
  for (std::string& a : PluginArguments(request.served)) argv.push_back(std::move(a));
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
