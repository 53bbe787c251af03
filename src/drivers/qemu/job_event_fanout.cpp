// One job-event source, fanned out to every subscription of a server's driver.
#include "drivers/qemu/job_event_fanout.hpp"

#include "drivers/qemu/domain_record.hpp"

namespace cairn::drivers::qemu {

class JobEventFanOut::Subscription : public driver::JobEventSubscription {
 public:
  Subscription(std::shared_ptr<JobEventFanOut> fan_out, std::uint64_t id)
      : fan_out_(std::move(fan_out)), id_(id) {}
  ~Subscription() override { fan_out_->Unsubscribe(id_); }

 private:
  std::shared_ptr<JobEventFanOut> fan_out_;
  std::uint64_t id_;
};

JobEventFanOut::JobEventFanOut(std::string uri, StateLayout layout, bool read_only)
    : uri_(std::move(uri)), layout_(std::move(layout)), read_only_(read_only) {}

// The source goes first: its thread delivers to the subscribers.
JobEventFanOut::~JobEventFanOut() { source_.reset(); }

Result<std::unique_ptr<driver::JobEventSubscription>> JobEventFanOut::Subscribe(
    const std::optional<driver::DomainRef>& dom, driver::JobEventCallback callback) {
  if (dom) {
    // The domain must exist, as for every call on it.
    if (Result<DomainRecord> rec = LoadDomain(layout_, *dom); !rec) {
      return std::unexpected(rec.error());
    }
  }
  std::lock_guard start(source_mutex_);
  std::uint64_t id;
  {
    std::lock_guard lock(subscribers_mutex_);
    id = next_id_++;
    subscribers_.emplace(
        id, Subscriber{dom ? std::optional<std::string>(dom->uuid) : std::nullopt,
                       std::move(callback)});
  }
  if (!source_) {
    Result<std::unique_ptr<JobEventSource>> source = JobEventSource::Start(
        std::make_unique<QemuDriver>(uri_, layout_, read_only_), std::nullopt,
        [this](const driver::JobCompletedEvent& e) { Deliver(e); });
    if (!source) {
      std::lock_guard lock(subscribers_mutex_);
      subscribers_.erase(id);
      return std::unexpected(source.error());
    }
    source_ = std::move(*source);
  }
  return std::unique_ptr<driver::JobEventSubscription>(
      std::make_unique<Subscription>(shared_from_this(), id));
}

void JobEventFanOut::Deliver(const driver::JobCompletedEvent& event) {
  std::lock_guard lock(subscribers_mutex_);
  for (const auto& [id, s] : subscribers_) {
    if (!s.uuid || *s.uuid == event.domain.uuid) s.callback(event);
  }
}

void JobEventFanOut::Unsubscribe(std::uint64_t id) {
  std::unique_ptr<JobEventSource> stopped;
  std::lock_guard start(source_mutex_);
  {
    // Waits for a delivery under way: once this returns the callback is not running.
    std::lock_guard lock(subscribers_mutex_);
    subscribers_.erase(id);
    if (subscribers_.empty()) stopped = std::move(source_);
  }
  stopped.reset();  // joins the source's thread, outside the lock its delivery takes
}

}  // namespace cairn::drivers::qemu
