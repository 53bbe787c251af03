// Connecting to, and starting, the session daemon (session_daemon.hpp).
#include "drivers/remote/session_daemon.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "rpc/rpc_client.hpp"
#include "util/file_lock.hpp"
#include "util/unix_socket.hpp"

namespace cairn::drivers::remote {
namespace {

// The idle timeout the daemon is started with: libvirt's for libvirtd it autostarts.
constexpr const char* kIdleTimeoutSeconds = "120";
// How long a client waits for a daemon it started to listen (libvirt polls for ~0.5 s on an
// idle host; a loaded one, and a daemon that first repairs its state root, needs longer).
constexpr auto kStartPatience = std::chrono::seconds(30);

bool AutostartOff() {
  const char* v = std::getenv("CAIRN_AUTOSTART");
  return v != nullptr && std::string_view(v) == "0";
}

// Starts `argv` detached: fork, setsid, fork again so that the daemon is nobody's child,
// descriptors 0-2 to /dev/null and the log, every other descriptor closed. Only
// async-signal-safe calls between fork and exec: everything is prepared before.
Status StartDetached(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kRpc,
                fmt::format("cannot start '{}': {}", args[0], std::strerror(errno)));
  }
  if (pid == 0) {
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDWR);
    int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err < 0) err = null;
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(err, 2);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return {};
}

}  // namespace

std::string CairndProgram() {
  if (const char* env = std::getenv("CAIRND"); env != nullptr && *env == '/') return env;
  Dl_info self{};
  if (::dladdr(reinterpret_cast<void*>(&CairndProgram), &self) != 0 && self.dli_fname != nullptr) {
    std::error_code ec;
    const auto lib = std::filesystem::weakly_canonical(self.dli_fname, ec).string();
    const std::string build = CAIRN_BUILD_DIR "/";
    if (!ec && lib.starts_with(build)) return CAIRN_BUILD_CAIRND;
  }
  return CAIRN_INSTALLED_CAIRND;
}

Result<util::UniqueFd> ConnectSessionDaemon(const std::string& socket_path) {
  std::expected<util::UniqueFd, int> fd = util::ConnectUnixSocket(socket_path);
  if (fd) return std::move(*fd);
  if (AutostartOff() || (fd.error() != ENOENT && fd.error() != ECONNREFUSED)) {
    return rpc::DaemonSocketError(socket_path, fd.error());
  }
  const std::filesystem::path dir = std::filesystem::path(socket_path).parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  // Whoever holds the lock either finds a daemon or starts one and waits for it; the next
  // holder then finds it listening.
  Result<util::FileLock> lock = util::FileLock::Acquire(socket_path + ".lock");
  if (!lock) return std::unexpected(lock.error());
  fd = util::ConnectUnixSocket(socket_path);
  if (fd) return std::move(*fd);
  const std::string program = CairndProgram();
  if (::access(program.c_str(), X_OK) != 0) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kRpc,
                fmt::format("cannot start the session daemon '{}': {} (set $CAIRND to cairnd)",
                            program, std::strerror(errno)));
  }
  if (Status started = StartDetached({program, "--session", "--timeout", kIdleTimeoutSeconds},
                                     (dir / "cairnd.log").string());
      !started) {
    return std::unexpected(started.error());
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartPatience;
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    fd = util::ConnectUnixSocket(socket_path);
    if (fd) return std::move(*fd);
    if ((fd.error() != ENOENT && fd.error() != ECONNREFUSED) ||
        std::chrono::steady_clock::now() >= deadline) {
      return rpc::DaemonSocketError(socket_path, fd.error());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace cairn::drivers::remote
