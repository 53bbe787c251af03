// daemon/client_session.hpp — ClientSession: one client connected to cairnd.
//
// It owns the client's socket (an RpcChannel, whose reader answers keepalive at once), a
// worker thread that runs the client's calls one after the other through a RemoteDispatch
// (so a long call never delays a PONG), and the dispatch's state. Replies and event
// messages share the channel, each packet whole. The session ends when the client closes,
// after CONNECT_CLOSE, or when the server stops; finished() then turns true and the server
// destroys it. Thread rule: created and destroyed by the server's thread; everything else
// runs on the channel's reader and the worker.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "daemon/remote_dispatch.hpp"
#include "rpc/rpc_channel.hpp"
#include "util/unique_fd.hpp"

namespace cairn::daemon {

class ClientSession {
 public:
  static Result<std::unique_ptr<ClientSession>> Start(util::UniqueFd socket,
                                                      RemoteDispatch::Options options);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  bool finished() const { return finished_.load(); }

 private:
  explicit ClientSession(RemoteDispatch::Options options);
  void Enqueue(rpc::Packet packet);
  void Stop();
  void Work();

  std::unique_ptr<rpc::RpcChannel> channel_;
  std::mutex sink_mutex_;  // events come from the library's thread: they meet teardown here
  bool sink_open_ = true;
  RemoteDispatch dispatch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<rpc::Packet> calls_;
  bool stopping_ = false;
  std::atomic<bool> finished_{false};
  std::thread worker_;
};

}  // namespace cairn::daemon
