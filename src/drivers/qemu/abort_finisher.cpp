// AbortFinisher: ends cancelled backup jobs in the background.
#include "drivers/qemu/abort_finisher.hpp"

#include <algorithm>
#include <chrono>

#include "drivers/qemu/qemu_driver.hpp"

namespace cairn::drivers::qemu {
namespace {

using std::chrono::milliseconds;

// QEMU concludes a cancelled pull job at once and a push job once its writes in flight are
// done; past this the job is left to the next look. A driver going away waits less.
constexpr milliseconds kGiveUpAfter{30'000};
constexpr milliseconds kGiveUpWhenStopping{2'000};

}  // namespace

AbortFinisher::AbortFinisher(std::unique_ptr<QemuDriver> looker)
    : looker_(std::move(looker)), thread_([this] { Run(); }) {}

AbortFinisher::~AbortFinisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AbortFinisher::Finish(driver::DomainRef dom) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(dom));
  }
  wake_.notify_one();
}

void AbortFinisher::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and every job handed over has had its end
    driver::DomainRef dom = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    EndJob(dom);
    lock.lock();
  }
}

void AbortFinisher::EndJob(const driver::DomainRef& dom) {
  const auto started = std::chrono::steady_clock::now();
  milliseconds pause{1};
  while (true) {
    // A look that fails (the domain went, QEMU went) leaves the job to the next look.
    Result<bool> running = looker_->LookAtBackupJob(dom);
    if (!running || !*running) return;
    std::unique_lock lock(mutex_);
    const auto give_up = started + (stopping_ ? kGiveUpWhenStopping : kGiveUpAfter);
    if (std::chrono::steady_clock::now() >= give_up) return;
    wake_.wait_for(lock, pause);
    pause = std::min(pause * 2, milliseconds(50));
  }
}

}  // namespace cairn::drivers::qemu
