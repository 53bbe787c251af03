// The job-completed event: each registration is one driver subscription
// (Driver::SubscribeJobEvents); this file only fans their events out to the callbacks. The
// drivers deliver on threads of their own (the remote driver on its socket's reader), where a
// callback could neither call back into Cairn nor deregister itself, so events are queued and
// one process-wide thread calls the callbacks, one at a time, with no lock of ours held.
#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "api/connection_state.hpp"
#include "cairn/backup.hpp"
#include "cairn/domain.hpp"

namespace cairn {
namespace api {

Domain Handles::MakeDomain(const std::shared_ptr<ConnectionState>& conn,
                           const driver::DomainRef& ref) {
  return Domain(conn, ref.name, ref.uuid, ref.id);
}

}  // namespace api

namespace {

constexpr ErrorDomain kErr = ErrorDomain::kDomain;

struct Registration {
  Connection conn;  // declared first: destroyed last, after the subscription
  std::shared_ptr<JobCompletedCallback> callback;
  std::unique_ptr<driver::JobEventSubscription> subscription;  // null while subscribing
};

class JobEventHub {
 public:
  static JobEventHub& Get() {
    static JobEventHub* hub = new JobEventHub;  // never destroyed: the thread may outlive main
    return *hub;
  }

  // Reserves an id whose events are delivered from now on.
  int Reserve(const Connection& conn, JobCompletedCallback callback) {
    std::lock_guard lock(mutex_);
    int id = next_id_++;
    registrations_.emplace(
        id, Registration{conn, std::make_shared<JobCompletedCallback>(std::move(callback)), {}});
    return id;
  }

  // Gives registration `id` its subscription; leaves it with the caller, to end, if `id`
  // was deregistered meanwhile.
  void Attach(int id, std::unique_ptr<driver::JobEventSubscription>& subscription) {
    std::lock_guard lock(mutex_);
    if (auto it = registrations_.find(id); it != registrations_.end()) {
      it->second.subscription = std::move(subscription);
    }
  }

  // Takes registration `id` of `conn` out; nullopt if there is none.
  std::optional<Registration> Take(const api::ConnectionState* conn, int id) {
    std::lock_guard lock(mutex_);
    auto it = registrations_.find(id);
    if (it == registrations_.end() || it->second.conn.state().get() != conn) return std::nullopt;
    std::optional<Registration> out(std::move(it->second));
    registrations_.erase(it);
    return out;
  }

  // Called on a driver's thread: queue it, never block on a callback.
  void Enqueue(int id, const driver::JobCompletedEvent& event) {
    std::lock_guard lock(mutex_);
    queue_.push_back({id, event});
    if (!running_) {
      running_ = true;
      std::thread([this] { Run(); }).detach();
    }
    wake_.notify_one();
  }

 private:
  struct Queued {
    int id;
    driver::JobCompletedEvent event;
  };

  void Run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return !queue_.empty(); });
      Queued q = std::move(queue_.front());
      queue_.pop_front();
      auto it = registrations_.find(q.id);
      if (it == registrations_.end()) continue;  // deregistered since
      {
        std::shared_ptr<JobCompletedCallback> callback = it->second.callback;
        Domain dom = api::Handles::MakeDomain(it->second.conn.state(), q.event.domain);
        lock.unlock();
        (*callback)(dom, q.event.stats);
        // `dom` may hold the last reference to its connection (deregistered meanwhile): it
        // goes, closing the driver, before we lock again.
      }
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int, Registration> registrations_;
  std::deque<Queued> queue_;
  int next_id_ = 0;
  bool running_ = false;
};

}  // namespace

Result<int> RegisterJobCompletedCallback(const Connection& conn, const Domain* domain,
                                         JobCompletedCallback callback) {
  if (!callback) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                "cb in virConnectDomainEventRegisterAny must not be NULL");
  }
  std::optional<driver::DomainRef> which;
  if (domain != nullptr) which = driver::DomainRef{domain->name(), domain->uuid(), domain->id()};
  JobEventHub& hub = JobEventHub::Get();
  const int id = hub.Reserve(conn, std::move(callback));
  Result<std::unique_ptr<driver::JobEventSubscription>> sub;
  {
    std::lock_guard lock(conn.state()->mutex);
    sub = conn.state()->driver->SubscribeJobEvents(
        which, [id, &hub](const driver::JobCompletedEvent& e) { hub.Enqueue(id, e); });
  }
  if (!sub) {
    (void)hub.Take(conn.state().get(), id);
    return std::unexpected(sub.error());
  }
  hub.Attach(id, *sub);
  if (*sub) {  // deregistered meanwhile (by another thread guessing the id): end it here
    std::lock_guard lock(conn.state()->mutex);
    sub->reset();
  }
  return id;
}

Status DeregisterEventCallback(const Connection& conn, int callback_id) {
  std::optional<Registration> r = JobEventHub::Get().Take(conn.state().get(), callback_id);
  if (!r) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("could not find event callback {} for deletion", callback_id));
  }
  // Ending a subscription is a driver call: serialised with the connection's others.
  std::lock_guard lock(conn.state()->mutex);
  r->subscription.reset();
  return {};
}

}  // namespace cairn
