// JobEventFanOut: one job-event source for every subscription of a server's qemu driver and
// its client views (cairnd): one thread hears QEMU's job events for every domain, and each
// ended job is handed to every subscription that wants its domain, in the order the jobs
// ended, before the next one is. Without it each subscription runs a JobEventSource of its
// own; that is what an embedded driver does.
//
// The source starts with the first subscription and stops when the last one ends. A
// subscription hears the jobs that end after it is made (a job the source reports while the
// subscription is being made may be heard too).
// Thread rule: Subscribe and ending subscriptions from any thread; callbacks run on the
// source's thread, one at a time, and must not end a subscription (as JobEventSource's).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "driver/driver.hpp"
#include "drivers/qemu/job_event_source.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

class JobEventFanOut : public std::enable_shared_from_this<JobEventFanOut> {
 public:
  // The source looks through a QemuDriver(uri, layout, read_only) of its own.
  JobEventFanOut(std::string uri, StateLayout layout, bool read_only);
  ~JobEventFanOut();

  Result<std::unique_ptr<driver::JobEventSubscription>> Subscribe(
      const std::optional<driver::DomainRef>& dom, driver::JobEventCallback callback);

 private:
  class Subscription;
  struct Subscriber {
    std::optional<std::string> uuid;  // nullopt: every domain
    driver::JobEventCallback callback;
  };

  void Deliver(const driver::JobCompletedEvent& event);
  void Unsubscribe(std::uint64_t id);

  const std::string uri_;
  const StateLayout layout_;
  const bool read_only_;
  std::mutex source_mutex_;  // orders the source's start and stop
  std::unique_ptr<JobEventSource> source_;
  std::mutex subscribers_mutex_;  // held while delivering: an unsubscribe waits for it
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::uint64_t next_id_ = 1;
};

}  // namespace cairn::drivers::qemu
