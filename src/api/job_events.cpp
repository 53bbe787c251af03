// The job-completed event: one process-wide thread looks at the jobs of every domain some
// callback watches, every kEventPollInterval, and calls the callbacks of jobs that ended.
// Looking is what finishes a job (the driver brings its record up to date on every
// GetJobStats), so a push backup ends even when nobody else asks. The thread runs only while
// callbacks are registered; callbacks run on it, with no lock of ours held.
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "api/connection_state.hpp"
#include "cairn/backup.hpp"
#include "cairn/domain.hpp"

namespace cairn {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kDomain;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The recently ended jobs of `dom`, oldest first (never consuming the completed statistics).
Result<std::vector<JobStats>> EndedJobs(const Domain& dom) {
  const auto& conn = dom.connection_state();
  std::lock_guard lock(conn->mutex);
  return conn->driver->EndedJobs({dom.name(), dom.uuid(), dom.id()});
}

struct Registration {
  Connection conn;
  std::optional<Domain> domain;  // nullopt: every domain of conn
  std::shared_ptr<JobCompletedCallback> callback;
  std::int64_t since_ms = 0;
  // domain uuid -> started_ms of the last job reported (jobs are named by their start, which
  // grows from one job of a domain to the next: one runs at a time)
  std::map<std::string, std::int64_t> reported;
};

class JobEventHub {
 public:
  static JobEventHub& Get() {
    static JobEventHub* hub = new JobEventHub;  // never destroyed: the thread may outlive main
    return *hub;
  }

  int Add(Registration r) {
    std::lock_guard lock(mutex_);
    int id = next_id_++;
    registrations_.emplace(id, std::move(r));
    if (!running_) {
      running_ = true;
      std::thread([this] { Run(); }).detach();
    }
    return id;
  }

  bool Remove(const api::ConnectionState* conn, int id) {
    std::lock_guard lock(mutex_);
    auto it = registrations_.find(id);
    if (it == registrations_.end() || it->second.conn.state().get() != conn) return false;
    registrations_.erase(it);
    wake_.notify_all();
    return true;
  }

 private:
  struct Due {
    std::shared_ptr<JobCompletedCallback> callback;
    Domain domain;
    JobStats stats;
  };

  void Run() {
    std::unique_lock lock(mutex_);
    while (!registrations_.empty()) {
      std::map<int, Registration> snapshot = registrations_;
      lock.unlock();
      std::vector<Due> due = Poll(snapshot);
      for (Due& d : due) (*d.callback)(d.domain, d.stats);
      lock.lock();
      wake_.wait_for(lock, kEventPollInterval, [this] { return registrations_.empty(); });
    }
    running_ = false;
  }

  // Looks at every watched domain once; returns the callbacks to call.
  std::vector<Due> Poll(const std::map<int, Registration>& snapshot) {
    std::map<std::string, std::pair<Domain, std::vector<JobStats>>> seen;  // each looked at once
    std::vector<Due> due;
    for (const auto& [id, reg] : snapshot) {
      std::vector<Domain> domains;
      if (reg.domain) {
        domains.push_back(*reg.domain);
      } else if (Result<std::vector<Domain>> all = reg.conn.ListAllDomains()) {
        domains = std::move(*all);
      }
      for (const Domain& dom : domains) {
        std::string key = fmt::format("{}:{}", fmt::ptr(reg.conn.state().get()), dom.uuid());
        auto it = seen.find(key);
        if (it == seen.end()) {
          Result<std::vector<JobStats>> ended = EndedJobs(dom);
          if (!ended) continue;
          it = seen.emplace(key, std::make_pair(dom, std::move(*ended))).first;
        }
        for (const JobStats& stats : it->second.second) {
          if (stats.started_ms + static_cast<std::int64_t>(stats.time_elapsed_ms) < reg.since_ms) {
            continue;  // ended before the callback was registered
          }
          if (!MarkReported(id, dom.uuid(), stats.started_ms)) continue;
          due.push_back({reg.callback, it->second.first, stats});
        }
      }
    }
    return due;
  }

  // True the first time registration `id` sees this job of this domain, given that it sees
  // a domain's jobs in the order they started.
  bool MarkReported(int id, const std::string& uuid, std::int64_t started_ms) {
    std::lock_guard lock(mutex_);
    auto it = registrations_.find(id);
    if (it == registrations_.end()) return false;  // deregistered meanwhile
    auto [pos, fresh] = it->second.reported.emplace(uuid, started_ms);
    if (!fresh && pos->second >= started_ms) return false;
    pos->second = started_ms;
    return true;
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int, Registration> registrations_;
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
  // The driver must be able to report jobs at all: ask once, now.
  std::optional<Domain> probe;
  if (domain != nullptr) {
    probe = *domain;
  } else {
    Result<std::vector<Domain>> all = conn.ListAllDomains();
    if (!all) return std::unexpected(all.error());
    if (!all->empty()) probe = all->front();
  }
  if (probe) {
    if (Result<std::vector<JobStats>> ok = EndedJobs(*probe); !ok) {
      return std::unexpected(ok.error());
    }
  }
  Registration r{conn,
                 domain ? std::optional<Domain>(*domain) : std::nullopt,
                 std::make_shared<JobCompletedCallback>(std::move(callback)),
                 NowMs(),
                 {}};
  return JobEventHub::Get().Add(std::move(r));
}

Status DeregisterEventCallback(const Connection& conn, int callback_id) {
  if (!JobEventHub::Get().Remove(conn.state().get(), callback_id)) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("could not find event callback {} for deletion", callback_id));
  }
  return {};
}

}  // namespace cairn
