// Opening a domain session: lock, record, checkpoints (recovered first), and the monitor.
#include "drivers/qemu/domain_session.hpp"

#include <fmt/format.h>

#include "drivers/qemu/checkpoint_recovery.hpp"
#include "drivers/qemu/domain_lock.hpp"
#include "qmp/qmp_client.hpp"
#include "util/atomic_file.hpp"

namespace cairn::drivers::qemu {

LentMonitor::LentMonitor(const StateLayout& layout, std::string domain,
                         std::filesystem::path socket, pid_t pid)
    : domain_(std::move(domain)),
      socket_(std::move(socket)),
      pid_(pid),
      kept_(KeptMonitors::ForRoot(layout.root())) {}

Result<qmp::QmpClient*> LentMonitor::Get(std::optional<std::chrono::milliseconds> patience) {
  if (loan_) return loan_->client();
  if (client_) return client_.get();
  if (socket_.empty()) {
    return Fail(ErrorCode::kOperationInvalid, ErrorDomain::kQemu, "domain is not running");
  }
  if (kept_) {
    Result<KeptMonitors::Loan> loan = kept_->Borrow(domain_, socket_, pid_, patience);
    if (!loan) return std::unexpected(loan.error());
    loan_.emplace(std::move(*loan));
    return loan_->client();
  }
  Result<qmp::QmpClient> c =
      qmp::QmpClient::Connect(socket_, patience.value_or(qmp::kDefaultConnectTimeout));
  if (!c) return std::unexpected(c.error());
  if (patience) c->set_command_timeout(*patience);
  client_ = std::make_unique<qmp::QmpClient>(std::move(*c));
  return client_.get();
}

void LentMonitor::Close() {
  client_.reset();
  if (loan_) {
    loan_->Close();
    loan_.reset();
  } else if (kept_) {
    kept_->Drop(domain_);  // kept by no call right now: the runner must not see it connected
  }
}

void LentMonitor::Retarget(std::filesystem::path socket, pid_t pid) {
  client_.reset();
  loan_.reset();  // the old runner's connection stays kept: it is still that runner's
  socket_ = std::move(socket);
  pid_ = pid;
}

LentMonitor::~LentMonitor() = default;

namespace {

// The socket of whatever runs the domain's disks: its QEMU, or while it is shut off the
// storage daemon of its backup; none ("") when nothing does.
std::filesystem::path RunnerSocket(const StateLayout& layout, const DomainRecord& domain) {
  if (domain.active()) return layout.QmpSocket(domain.def.name());
  if (domain.storage_daemon) return layout.StorageDaemonQmpSocket(domain.def.name());
  return {};
}

pid_t RunnerPid(const DomainRecord& domain) {
  if (domain.qemu) return domain.qemu->pid;
  return domain.storage_daemon.value_or(-1);
}

}  // namespace

DomainSession::DomainSession(const StateLayout& layout, std::optional<util::FileLock> lock,
                             DomainRecord domain)
    : layout_(&layout),
      lock_(std::move(lock)),
      domain_(std::move(domain)),
      store_(layout.CheckpointDir(domain_.def.name())),
      monitor_(std::make_unique<LentMonitor>(layout, domain_.def.name(), RunnerSocket(layout, domain_),
                                            RunnerPid(domain_))) {}

DomainSession::DomainSession(DomainSession&&) noexcept = default;
DomainSession& DomainSession::operator=(DomainSession&&) noexcept = default;
// The bitmaps go before the monitor they borrow.
DomainSession::~DomainSession() { bitmaps_.reset(); }

Result<DomainSession> DomainSession::Open(const StateLayout& layout, const driver::DomainRef& ref,
                                          Options options) {
  std::optional<util::FileLock> lock;
  if (options.lock) {
    Result<util::FileLock> l = LockDomain(layout, ref.name);
    if (!l) return std::unexpected(l.error());
    lock = std::move(*l);
  }
  Result<DomainRecord> rec = LoadDomain(layout, ref);
  if (!rec) return std::unexpected(rec.error());
  DomainSession s(layout, std::move(lock), std::move(*rec));
  if (options.checkpoints) {
    if (Status ok = s.LoadCheckpoints(options.read_only); !ok) return std::unexpected(ok.error());
  }
  return s;
}

DiskBitmaps& DomainSession::bitmaps() {
  if (!bitmaps_) {
    bitmaps_ = domain_.active() || domain_.storage_daemon ? OnlineBitmaps(domain_.def, *monitor_)
                                                          : OfflineBitmaps(domain_.def);
  }
  return *bitmaps_;
}

Result<qmp::QmpClient*> DomainSession::Monitor(std::optional<std::chrono::milliseconds> patience) {
  return monitor_->Get(patience);
}

void DomainSession::CloseMonitor() { monitor_->Close(); }

void DomainSession::UseStorageDaemon(pid_t pid) {
  domain_.storage_daemon = pid;
  bitmaps_.reset();
  monitor_->Retarget(layout_->StorageDaemonQmpSocket(name()), pid);
}

Status DomainSession::LoadCheckpoints(bool read_only) {
  // A journal that cannot be read cannot be replayed: a reader reads what is stored, a
  // writer is told the way out.
  std::optional<Error> unreadable;
  auto read_journal = [&]() -> std::optional<model::CheckpointIntent> {
    Result<std::optional<model::CheckpointIntent>> j = store_.ReadJournal();
    unreadable.reset();
    if (j) return std::move(*j);
    unreadable = j.error();
    return std::nullopt;
  };
  auto way_out = [&](const Error& cause) {
    return Fail(cause.code(), cause.domain(),
                fmt::format("cannot finish the interrupted checkpoint change recorded in "
                            "'{}': {}; fix the cause, or remove that file to abandon the "
                            "change (then 'checkpoint-list' and the disks' bitmaps show "
                            "what is left)",
                            store_.JournalPath().string(), cause.detail()));
  };
  std::optional<model::CheckpointIntent> journal = read_journal();
  if ((journal || unreadable) && !lock_ && !read_only) {
    // A reader of a writable connection repairs, if it may write here at all and no writer
    // is under way (whose journal this then is): else it reads as a read-only one does.
    Result<util::FileLock> l = util::FileLock::TryAcquire(layout_->LockFile(name()));
    if (l) {
      lock_ = std::move(*l);
      journal = read_journal();  // the writer may have finished meanwhile
    } else if (l.error().code() != ErrorCode::kResourceBusy &&
               l.error().code() != ErrorCode::kSystemError) {
      return std::unexpected(l.error());
    }
  }
  if (lock_) {
    // Under the lock no write is under way: a temp file here is a killed writer's.
    Result<std::size_t> cleaned = util::RemoveAbandonedTempFiles(store_.dir());
    if (!cleaned) return std::unexpected(cleaned.error());
    if (unreadable) return way_out(*unreadable);
    if (journal) {
      if (Status replayed = ReplayCheckpointJournal(*this, *journal); !replayed) {
        return way_out(replayed.error());
      }
    }
  }
  if ((journal || unreadable) && !lock_) {
    Result<std::vector<conf::CheckpointDef>> defs = store_.LoadAll();
    if (!defs) return std::unexpected(defs.error());
    std::string current = store_.ReadCurrent();
    repair_pending_ = true;
    if (journal) ProjectCheckpointJournal(*journal, bitmaps().Query(), &*defs, &current);
    checkpoints_.Load(std::move(*defs));
    checkpoints_.RestoreCurrent(current);
    return {};
  }
  // No journal is pending (a locked session replayed it): the store's index links the
  // checkpoints, and each definition is read when first used. Only a locked session may
  // write an index rebuilt from the files.
  Result<std::shared_ptr<const model::LinkedCheckpoints>> linked =
      store_.LoadIndexed(lock_.has_value());
  if (!linked) return std::unexpected(linked.error());
  checkpoints_.LoadLinked(std::move(*linked));
  checkpoints_.RestoreCurrent(store_.ReadCurrent());
  return {};
}

}  // namespace cairn::drivers::qemu
