// A client of cairnd: its calls, in order, on a worker of its own.
#include "daemon/client_session.hpp"

namespace cairn::daemon {

ClientSession::ClientSession(RemoteDispatch::Options options)
    : dispatch_(std::move(options), [this](const rpc::PacketHeader& h, std::string payload) {
        QueueEvent(h, std::move(payload));
      }) {}

// Never blocks: the caller is the job-event source every client shares.
void ClientSession::QueueEvent(const rpc::PacketHeader& header, std::string payload) {
  std::lock_guard<std::mutex> lock(sink_mutex_);
  if (!sink_open_ || !channel_) return;
  if (events_.size() >= kMaxQueuedEvents) {
    // It reads nothing: dropped rather than kept without bound (its writer unblocks).
    sink_open_ = false;
    events_.clear();
    channel_->Close();
    sink_wake_.notify_one();
    return;
  }
  events_.emplace_back(header, std::move(payload));
  sink_wake_.notify_one();
}

void ClientSession::WriteEvents() {
  std::unique_lock<std::mutex> lock(sink_mutex_);
  for (;;) {
    sink_wake_.wait(lock, [&] { return !sink_open_ || !events_.empty(); });
    if (!sink_open_) return;
    auto [header, payload] = std::move(events_.front());
    events_.pop_front();
    lock.unlock();
    Status sent = channel_->Send(header, payload);  // may block on this client alone
    lock.lock();
    if (!sent) return;
  }
}

Result<std::unique_ptr<ClientSession>> ClientSession::Start(util::UniqueFd socket,
                                                            RemoteDispatch::Options options,
                                                            std::uint64_t number) {
  Result<PeerIdentity> peer = PeerOf(socket.get());
  if (!peer) return std::unexpected(peer.error());
  const bool read_only = options.read_only;
  std::unique_ptr<ClientSession> s(new ClientSession(std::move(options)));
  s->audit_.emplace(number, *peer, read_only);
  s->audit_->Connected();
  ClientSession* self = s.get();
  Result<std::unique_ptr<rpc::RpcChannel>> ch = rpc::RpcChannel::Start(
      std::move(socket), [self](rpc::Packet p) { self->Enqueue(std::move(p)); },
      [self](const Error&) { self->Stop(); });
  if (!ch) return std::unexpected(ch.error());
  s->channel_ = std::move(*ch);
  s->worker_ = std::thread([self] { self->Work(); });
  s->event_writer_ = std::thread([self] { self->WriteEvents(); });
  return s;
}

ClientSession::~ClientSession() {
  Stop();
  // A reply or event blocked on a client that reads nothing returns once the channel ends.
  if (channel_) channel_->Close();
  if (worker_.joinable()) worker_.join();
  dispatch_.Shutdown();
  {
    std::lock_guard<std::mutex> lock(sink_mutex_);
    sink_open_ = false;
    sink_wake_.notify_one();
  }
  if (event_writer_.joinable()) event_writer_.join();
  channel_.reset();  // joins the reader, whose last act may be Stop()
}

void ClientSession::Enqueue(rpc::Packet packet) {
  std::lock_guard<std::mutex> lock(mutex_);
  calls_.push_back(std::move(packet));
  wake_.notify_one();
}

void ClientSession::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  wake_.notify_one();
}

void ClientSession::Work() {
  for (;;) {
    rpc::Packet call;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !calls_.empty(); });
      if (calls_.empty()) break;
      call = std::move(calls_.front());
      calls_.pop_front();
    }
    // Only calls are answered; anything else a client sends is dropped, as libvirtd does.
    if (call.header.type != rpc::PacketType::kCall) continue;
    RemoteDispatch::Reply reply = dispatch_.Handle(call);
    audit_->Call(call.header.procedure,
                 reply.error ? Status(std::unexpected(*reply.error)) : Status());
    (void)channel_->Send(rpc::ReplyTo(call.header, reply.status), reply.payload);
    if (dispatch_.closing()) {
      channel_->Close();
      break;
    }
  }
  audit_->Disconnected();
  finished_ = true;
}

}  // namespace cairn::daemon
