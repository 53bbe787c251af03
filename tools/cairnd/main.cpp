// cairnd: the daemon that serves Cairn's qemu driver for one state root over libvirt's RPC
// protocol, so that libvirt's own clients (virsh, python3-libvirt, backup tools) work
// against it with -c 'qemu+unix:///system?socket=PATH'.
//
//   cairnd --root DIR --listen DIR [--config FILE] [--socket-mode OCTAL] [--socket-group GROUP]
//   cairnd                 qemu:///system: state in /var/lib/cairn, sockets in /run/cairn
//   cairnd --session       qemu:///session: the user's own (daemon_places.hpp); the client
//                          library starts it so, with --timeout 120, on first connection
//   --timeout SECONDS      exit once that long without clients or work (idle_shutdown.hpp)
//
// Started by systemd through cairnd.socket / cairnd-ro.socket, it serves the sockets it is
// handed (socket_activation.hpp) instead of binding its own.
//
// The configuration (daemon/daemon_config.hpp; README "Daemon configuration") is FILE, or for
// the system state root /etc/cairn/cairnd.conf when it exists. Its QEMU settings (user, group,
// seccomp_sandbox, tls_x509_*) reach the qemu driver as parameters of its embedded URI; an
// error in it stops cairnd before it listens.
//
// The sockets are LISTEN/cairn-sock (read-write, mode 0700 unless --socket-mode, owned by
// GROUP with --socket-group, as libvirtd's unix_sock_group) and LISTEN/cairn-sock-ro
// (read-only, world-connectable), as libvirtd's libvirt-sock and libvirt-sock-ro. SIGTERM or
// SIGINT stops it; clients then see end of file.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "daemon/daemon_config.hpp"
#include "daemon/daemon_places.hpp"
#include "daemon/idle_shutdown.hpp"
#include "daemon/rpc_server.hpp"
#include "daemon/socket_activation.hpp"

namespace {

int Usage() {
  std::fputs(
      "usage: cairnd [--session] [--root DIR] [--listen DIR] [--config FILE]\n"
      "              [--socket-mode OCTAL] [--socket-group GROUP] [--timeout SECONDS]\n",
      stderr);
  return 2;
}

// A user or group of the configuration that does not exist stops the daemon at once, not
// at the first domain start.
bool Exists(const std::string& name, bool is_group) {
  if (name.starts_with('+') && name.size() > 1 &&
      name.find_first_not_of("0123456789", 1) == std::string::npos) {
    return true;
  }
  return is_group ? ::getgrnam(name.c_str()) != nullptr : ::getpwnam(name.c_str()) != nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  cairn::daemon::DaemonPlaces places = cairn::daemon::SystemPlaces();
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--session") places = cairn::daemon::SessionPlaces();
  }
  std::filesystem::path root = places.root;
  std::filesystem::path listen = places.listen;
  std::optional<unsigned> mode;
  std::string group;
  std::filesystem::path config_file;
  long idle_timeout = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--session") continue;
    if ((a == "--root" || a == "--listen" || a == "--socket-mode" || a == "--socket-group" ||
         a == "--timeout" || a == "--config") &&
        i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--root") root = v;
      if (a == "--config") config_file = v;
      if (a == "--listen") listen = v;
      if (a == "--socket-group") group = v;
      if (a == "--timeout") {
        char* end = nullptr;
        idle_timeout = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || idle_timeout < 0) {
          std::fprintf(stderr, "cairnd: --timeout wants seconds, not '%s'\n", v.c_str());
          return 2;
        }
      }
      if (a == "--socket-mode") {
        char* end = nullptr;
        mode = static_cast<unsigned>(std::strtoul(v.c_str(), &end, 8));
        if (v.empty() || *end != '\0' || *mode > 0777) {
          std::fprintf(stderr, "cairnd: --socket-mode wants an octal mode such as 0770, not '%s'\n",
                       v.c_str());
          return 2;
        }
      }
    } else if (a == "--help" || a == "-h") {
      Usage();
      return 0;
    } else {
      return Usage();
    }
  }
  if (root.is_relative()) root = std::filesystem::absolute(root);
  std::error_code exists_ec;
  if (config_file.empty() && root == cairn::daemon::SystemPlaces().root &&
      std::filesystem::exists(cairn::daemon::kDefaultDaemonConfig, exists_ec)) {
    config_file = cairn::daemon::kDefaultDaemonConfig;
  }
  cairn::daemon::DaemonConfig config;
  if (!config_file.empty()) {
    cairn::Result<cairn::daemon::DaemonConfig> loaded = cairn::daemon::LoadDaemonConfig(config_file);
    if (!loaded) {
      std::fprintf(stderr, "cairnd: %s\n", loaded.error().Text().c_str());
      return 1;
    }
    config = std::move(*loaded);
  }
  for (auto [name, is_group] : {std::pair{config.user, false}, std::pair{config.group, true}}) {
    if (name && !Exists(*name, is_group)) {
      std::fprintf(stderr, "cairnd: %s: no such %s '%s'\n", config_file.c_str(),
                   is_group ? "group" : "user", name->c_str());
      return 1;
    }
  }
  if (!mode) mode = config.unix_sock_rw_perms.value_or(places.socket_mode);
  if (group.empty() && config.unix_sock_group) group = *config.unix_sock_group;
  std::error_code ec;
  std::filesystem::create_directories(listen, ec);
  std::filesystem::create_directories(root, ec);
  auto activated = cairn::daemon::TakeActivatedSockets(listen / "cairn-sock", listen / "cairn-sock-ro");
  if (!activated) {
    std::fprintf(stderr, "cairnd: %s\n", activated.error().Text().c_str());
    return 1;
  }

  // The signals are taken by a thread of ours, never by a handler amid a call.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  cairn::daemon::ServerOptions options{
      .uri = "qemu:///embed?root=" + root.string() + config.QemuUriParameters(),
      .socket = listen / "cairn-sock",
      .socket_ro = listen / "cairn-sock-ro",
      .socket_mode = *mode,
      .socket_ro_mode = places.socket_ro_mode,
  };
  auto server = *activated ? cairn::daemon::RpcServer::Adopt(options, std::move((*activated)->rw),
                                                             std::move((*activated)->ro))
                           : cairn::daemon::RpcServer::Listen(options);
  if (!server) {
    std::fprintf(stderr, "cairnd: %s\n", server.error().Text().c_str());
    return 1;
  }
  if (!group.empty() && !*activated) {
    const struct group* g = ::getgrnam(group.c_str());
    if (g == nullptr || ::chown(options.socket.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      std::fprintf(stderr, "cairnd: cannot give '%s' to group '%s'%s\n", options.socket.c_str(),
                   group.c_str(), g == nullptr ? ": no such group" : "");
      return 1;
    }
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*server)->Stop();
  });
  waiter.detach();
  std::optional<cairn::daemon::IdleShutdown> idle;
  if (idle_timeout > 0) idle.emplace(**server, options.uri, std::chrono::seconds(idle_timeout));
  cairn::Status ran = (*server)->Run();
  idle.reset();
  if (!ran) {
    std::fprintf(stderr, "cairnd: %s\n", ran.error().Text().c_str());
    return 1;
  }
  return 0;
}
