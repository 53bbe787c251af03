// AbortFinisher: ends cancelled backup jobs in the background.
#include "drivers/qemu/abort_finisher.hpp"

#include <algorithm>
#include <chrono>

#include "drivers/qemu/qemu_driver.hpp"

namespace cairn::drivers::qemu {
namespace {

using std::chrono::milliseconds;

// QEMU concludes a cancelled pull job at once and a push job once its writes in flight are
// done; past this the job is left to the next look, as BackupJob::Abort leaves it.
constexpr milliseconds kGiveUpAfter{30'000};

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
    if (stopping_) return;
    driver::DomainRef dom = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    EndJob(dom);
    lock.lock();
  }
}

void AbortFinisher::EndJob(const driver::DomainRef& dom) {
  const auto give_up = std::chrono::steady_clock::now() + kGiveUpAfter;
  milliseconds pause{1};
  while (true) {
    // A look that fails (the domain went, QEMU went) leaves the job to the next look.
    Result<bool> running = looker_->LookAtBackupJob(dom);
    if (!running || !*running || std::chrono::steady_clock::now() >= give_up) return;
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, pause, [&] { return stopping_; })) return;
    }
    pause = std::min(pause * 2, milliseconds(50));
  }
}

}  // namespace cairn::drivers::qemu
