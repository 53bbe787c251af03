// The idle timeout of cairnd (idle_shutdown.hpp).
#include "daemon/idle_shutdown.hpp"

#include "cairn/cairn.hpp"

namespace cairn::daemon {

IdleShutdown::IdleShutdown(RpcServer& server, std::string uri, std::chrono::seconds timeout)
    : server_(server), uri_(std::move(uri)), timeout_(timeout), watcher_([this] { Watch(); }) {}

IdleShutdown::~IdleShutdown() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  watcher_.join();
}

bool IdleShutdown::DomainsBusy() const {
  Result<Connection> conn = Connection::Open(uri_, true);
  if (!conn) return true;
  // Running domains, from the state root alone (no monitor is asked).
  Result<std::vector<Domain>> running = conn->ListAllDomains(ListDomainsFlags::kActive);
  if (!running || !running->empty()) return true;
  // A shut-off domain's backup job runs in its storage daemon.
  Result<std::vector<Domain>> shut_off = conn->ListAllDomains(ListDomainsFlags::kInactive);
  if (!shut_off) return true;
  for (const Domain& d : *shut_off) {
    Result<JobStats> job = d.GetJobStats();
    if (!job) return true;
    if (job->type == JobType::kBounded || job->type == JobType::kUnbounded) return true;
  }
  return false;
}

void IdleShutdown::Watch() {
  // A second's granularity is plenty for a timeout counted in minutes (tests use 1-2 s).
  const auto tick = std::min<std::chrono::steady_clock::duration>(timeout_, std::chrono::seconds(1));
  std::unique_lock lock(mutex_);
  while (!quit_) {
    wake_.wait_for(lock, tick);
    if (quit_) return;
    if (std::chrono::steady_clock::now() - server_.IdleSince() < timeout_) continue;
    lock.unlock();
    const bool busy = DomainsBusy();
    lock.lock();
    if (busy) continue;
    // Checked again: a client may have come while the domains were looked at.
    if (std::chrono::steady_clock::now() - server_.IdleSince() < timeout_) continue;
    server_.Stop();
    return;
  }
}

}  // namespace cairn::daemon
