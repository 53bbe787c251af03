// daemon/idle_shutdown.hpp — IdleShutdown: stops an RpcServer that has had nothing to do for
// a while, libvirtd's --timeout: "exit after timeout period, provided there are neither any
// client connections nor any running domains". Cairn also counts a backup job of a shut-off
// domain (its qemu-storage-daemon) as work, since someone must hear it end.
//
// Guarantees: Stop() is called at most once, only after `timeout` without a client, and only
// when a look at the state root (a read-only connection to `uri`) found no running domain and
// no active job; a look that fails counts as busy (never exit on doubt). The watcher thread
// is joined by the destructor. Thread rule: construct and destroy on one thread; the server
// must outlive the IdleShutdown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/rpc_server.hpp"

namespace cairn::daemon {

class IdleShutdown {
 public:
  IdleShutdown(RpcServer& server, std::string uri, std::chrono::seconds timeout);
  ~IdleShutdown();
  IdleShutdown(const IdleShutdown&) = delete;
  IdleShutdown& operator=(const IdleShutdown&) = delete;

 private:
  void Watch();
  bool DomainsBusy() const;

  RpcServer& server_;
  const std::string uri_;
  const std::chrono::seconds timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool quit_ = false;
  std::thread watcher_;
};

}  // namespace cairn::daemon
