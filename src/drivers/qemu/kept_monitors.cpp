// One QMP monitor per domain runner, kept open by a server and lent to one call at a time.
#include "drivers/qemu/kept_monitors.hpp"

#include <signal.h>

#include <fmt/format.h>

#include <cerrno>

namespace cairn::drivers::qemu {

struct KeptMonitors::Kept {
  std::timed_mutex busy;  // held by the call the monitor is lent to
  std::filesystem::path socket;
  pid_t pid = -1;
  std::unique_ptr<qmp::QmpClient> client;
};

namespace {

// Roots whose monitors a server of this process keeps.
std::mutex registry_mutex;
std::map<std::filesystem::path, std::weak_ptr<KeptMonitors>>& Registry() {
  static auto* roots = new std::map<std::filesystem::path, std::weak_ptr<KeptMonitors>>;
  return *roots;
}

// The registry's key for a root: "/a/b/" and "/a/./b" are "/a/b".
std::filesystem::path Key(const std::filesystem::path& root) {
  std::filesystem::path p = root.lexically_normal();
  return p.has_filename() ? p : p.parent_path();
}

bool Alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace

std::shared_ptr<KeptMonitors> KeptMonitors::Keep(const std::filesystem::path& root) {
  std::lock_guard lock(registry_mutex);
  std::weak_ptr<KeptMonitors>& slot = Registry()[Key(root)];
  if (std::shared_ptr<KeptMonitors> kept = slot.lock()) return kept;
  std::shared_ptr<KeptMonitors> kept(new KeptMonitors());
  slot = kept;
  return kept;
}

std::shared_ptr<KeptMonitors> KeptMonitors::ForRoot(const std::filesystem::path& root) {
  std::lock_guard lock(registry_mutex);
  auto it = Registry().find(Key(root));
  return it == Registry().end() ? nullptr : it->second.lock();
}

KeptMonitors::~KeptMonitors() = default;

KeptMonitors::Loan::Loan(Loan&& other) noexcept : kept_(std::exchange(other.kept_, nullptr)) {}
KeptMonitors::Loan& KeptMonitors::Loan::operator=(Loan&& other) noexcept {
  if (this != &other) {
    if (kept_ != nullptr) kept_->busy.unlock();
    kept_ = std::exchange(other.kept_, nullptr);
  }
  return *this;
}
KeptMonitors::Loan::~Loan() {
  if (kept_ != nullptr) kept_->busy.unlock();
}
qmp::QmpClient* KeptMonitors::Loan::client() const { return kept_->client.get(); }
void KeptMonitors::Loan::Close() { kept_->client.reset(); }

KeptMonitors::Kept& KeptMonitors::Entry(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<Kept>& e = kept_[name];
  if (!e) e = std::make_unique<Kept>();
  return *e;  // entries are never erased: the reference stays valid
}

// A domain that stopped without a call closing its monitor (the guest powered off, QEMU
// crashed) leaves a connection to nobody: closed here, by whichever call comes next.
void KeptMonitors::ForgetGoneRunners(const Kept* except) {
  std::lock_guard lock(mutex_);
  for (auto& [name, e] : kept_) {
    if (e.get() == except || !e->busy.try_lock()) continue;
    if (e->client && (e->client->closed() || !Alive(e->pid))) e->client.reset();
    e->busy.unlock();
  }
}

Result<KeptMonitors::Loan> KeptMonitors::Borrow(const std::string& name,
                                                const std::filesystem::path& socket, pid_t pid,
                                                std::optional<std::chrono::milliseconds> patience) {
  Kept& e = Entry(name);
  ForgetGoneRunners(&e);
  if (!e.busy.try_lock_for(patience.value_or(qmp::kDefaultConnectTimeout))) {
    return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kQemu,
                fmt::format("cannot use the monitor of domain '{}': another call has held it "
                            "for too long",
                            name));
  }
  Loan loan(&e);
  if (e.client) {
    // What QEMU sent since the last call: read now, so that a broken connection shows and no
    // earlier event is taken for this call's.
    (void)e.client->ReadEvents();
    (void)e.client->TakeEvents();
  }
  if (e.client && (e.client->closed() || e.pid != pid || e.socket != socket)) e.client.reset();
  if (!e.client) {
    Result<qmp::QmpClient> c =
        qmp::QmpClient::Connect(socket, patience.value_or(qmp::kDefaultConnectTimeout));
    if (!c) return std::unexpected(c.error());
    e.client = std::make_unique<qmp::QmpClient>(std::move(*c));
    e.socket = socket;
    e.pid = pid;
  }
  e.client->set_command_timeout(patience.value_or(qmp::kDefaultCommandTimeout));
  return loan;
}

void KeptMonitors::Drop(const std::string& name) {
  Kept& e = Entry(name);
  std::lock_guard lock(e.busy);
  e.client.reset();
}

}  // namespace cairn::drivers::qemu
