// KeptMonitors: the QMP monitors a server's qemu driver keeps open, one per domain runner
// (its QEMU, or the storage daemon serving a shut-off domain's backup), each lent to one call
// at a time, as libvirtd keeps one monitor per running domain.
//
// QEMU serves one monitor client at a time: while a process keeps a domain's monitor, every
// other client waits for it. So monitors are kept only for a root a server owns (cairnd:
// Keep()), and then every session of that process on that root borrows them (ForRoot(), as
// DomainSession does); an embedded driver, whose root other processes may share, connects
// per call and lets go at once.
//
//   Borrow(name, socket, pid)  wait (bounded) for the call holding it -> the kept client if
//                              it is to this runner and open; else connect (again): QEMU
//                              restarted, the runner changed, or the connection broke
//   Loan::Close()              disconnect (the runner is asked to quit next)
//   Drop(name)                 the same, for a caller not holding the loan
// A runner that is gone (its pid no longer exists) loses its kept connection at the next
// Borrow of any domain. Thread rule: every method from any thread; a Loan is one thread's.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cairn/error.hpp"
#include "qmp/qmp_client.hpp"

namespace cairn::drivers::qemu {

class KeptMonitors {
  struct Kept;

 public:
  // Starts keeping the monitors of `root`'s domains in this process, for as long as the
  // returned pointer (or a copy) lives; a second Keep of one root shares the first.
  static std::shared_ptr<KeptMonitors> Keep(const std::filesystem::path& root);
  // Those kept for `root` in this process; null when nobody keeps them (connect per call).
  static std::shared_ptr<KeptMonitors> ForRoot(const std::filesystem::path& root);

  // A monitor lent to one call: released (not closed) when it goes.
  class Loan {
   public:
    Loan(Loan&&) noexcept;
    Loan& operator=(Loan&&) noexcept;
    ~Loan();
    qmp::QmpClient* client() const;
    // Disconnects the kept connection (the runner is about to be asked to quit).
    void Close();

   private:
    friend class KeptMonitors;
    explicit Loan(Kept* kept) : kept_(kept) {}
    Kept* kept_;
  };

  // Lends the monitor of domain `name`'s runner `pid`, listening on `socket`. Waits at most
  // `patience` (default: qmp::kDefaultConnectTimeout) for the call holding it, then fails
  // with VIR_ERR_OPERATION_TIMEOUT; connecting fails as qmp::QmpClient::Connect does. Commands
  // on the lent client time out after `patience` (default: QmpClient's). Events QEMU sent
  // before the loan are dropped: a call hears only its own.
  Result<Loan> Borrow(const std::string& name, const std::filesystem::path& socket, pid_t pid,
                      std::optional<std::chrono::milliseconds> patience = {});
  // Disconnects `name`'s kept monitor, waiting for the call holding it.
  void Drop(const std::string& name);

  ~KeptMonitors();

 private:
  KeptMonitors() = default;
  Kept& Entry(const std::string& name);
  void ForgetGoneRunners(const Kept* except);

  std::mutex mutex_;  // guards kept_ (not the entries: each has its own lock)
  std::map<std::string, std::unique_ptr<Kept>> kept_;
};

}  // namespace cairn::drivers::qemu
