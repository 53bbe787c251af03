// C API: virConnectDomainEventRegisterAny/DeregisterAny for VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
// and libvirt's default event loop. Cairn's event thread (src/api/job_events.cpp) hands on
// the drivers' completed jobs; once virEventRegisterDefaultImpl() was called, the C callbacks
// are queued for the thread running virEventRunDefaultImpl(), as libvirt programs expect;
// otherwise they run on the event thread itself.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "capi/handles.hpp"
#include "capi/last_error.hpp"
#include "capi/typed_params.hpp"

namespace cairn::capi {
namespace {

constexpr const char* kRegister = "virConnectDomainEventRegisterAny";
constexpr std::chrono::seconds kLoopWait{1};

// One C registration. It holds a reference on its connection; freecb(opaque) runs when the
// last holder (the registration, or a queued call) lets go.
struct CCallback {
  virConnectPtr conn;
  virConnectDomainEventJobCompletedCallback cb;
  void* opaque;
  virFreeCallback freecb;

  ~CCallback() {
    if (freecb != nullptr) freecb(opaque);
    UnrefConnect(conn);
  }
};

struct EventLoop {
  std::mutex mutex;
  std::condition_variable ready;
  bool registered = false;
  std::deque<std::function<void()>> queue;
};

EventLoop& Loop() {
  static EventLoop* loop = new EventLoop;  // never destroyed: the event thread may outlive main
  return *loop;
}

void Deliver(const std::shared_ptr<CCallback>& c, const Domain& dom, const JobStats& stats) {
  auto call = [c, dom, stats] {
    virDomainPtr d = NewDomain(c->conn, dom);
    int n = 0;
    virTypedParameterPtr params = NewJobStatsParams(stats, &n);
    c->cb(c->conn, d, params, n, c->opaque);
    virTypedParamsFree(params, n);
    UnrefDomain(d);
  };
  EventLoop& loop = Loop();
  {
    std::lock_guard lock(loop.mutex);
    if (loop.registered) {
      loop.queue.push_back(std::move(call));
      loop.ready.notify_all();
      return;
    }
  }
  call();
}

int Refuse(ErrorCode code, std::string detail) {
  SetLastError(Error(code, ErrorDomain::kDomain, std::move(detail)));
  return -1;
}

}  // namespace
}  // namespace cairn::capi

using namespace cairn::capi;  // NOLINT: the C shim is a flat list of entry points

extern "C" {

int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                     virConnectDomainEventGenericCallback cb, void* opaque,
                                     virFreeCallback freecb) {
  if (!CheckConnect(conn, kRegister)) return -1;
  if (dom != nullptr && !Valid(dom)) {
    SetInvalidHandle(cairn::ErrorCode::kInvalidDomain, VIR_FROM_DOM, kRegister);
    return -1;
  }
  if (dom != nullptr && dom->conn != conn) {
    return Refuse(cairn::ErrorCode::kInvalidArg,
                  std::string("domain in ") + kRegister + " must match connection");
  }
  if (cb == nullptr) {
    return Refuse(cairn::ErrorCode::kInvalidArg,
                  std::string("cb in ") + kRegister + " must not be NULL");
  }
  if (eventID < 0 || eventID >= VIR_DOMAIN_EVENT_ID_LAST) {
    return Refuse(cairn::ErrorCode::kInvalidArg, std::string("eventID in ") + kRegister +
                                                     " must be less than " +
                                                     std::to_string(VIR_DOMAIN_EVENT_ID_LAST));
  }
  if (eventID != VIR_DOMAIN_EVENT_ID_JOB_COMPLETED) {
    return Refuse(cairn::ErrorCode::kNoSupport,
                  "domain event " + std::to_string(eventID) +
                      " (only VIR_DOMAIN_EVENT_ID_JOB_COMPLETED is delivered)");
  }
  // The generic pointer is the job-completed callback the caller cast it from (libvirt's
  // VIR_DOMAIN_EVENT_CALLBACK); going through void(*)() says so to the compiler.
  auto typed = reinterpret_cast<virConnectDomainEventJobCompletedCallback>(
      reinterpret_cast<void (*)()>(cb));
  RefConnect(conn);
  auto c = std::shared_ptr<CCallback>(new CCallback{conn, typed, opaque, freecb});
  auto id = cairn::RegisterJobCompletedCallback(
      conn->conn, dom != nullptr ? &dom->dom : nullptr,
      [c](const cairn::Domain& d, const cairn::JobStats& s) { Deliver(c, d, s); });
  if (!id) {
    c->freecb = nullptr;  // not registered: libvirt does not call freecb then
    SetLastError(id.error());
    return -1;
  }
  return *id;
}

int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID) {
  if (!CheckConnect(conn, "virConnectDomainEventDeregisterAny")) return -1;
  auto ok = cairn::DeregisterEventCallback(conn->conn, callbackID);
  if (!ok) {
    SetLastError(ok.error());
    return -1;
  }
  return 0;
}

int virEventRegisterDefaultImpl(void) {
  ResetLastError();
  EventLoop& loop = Loop();
  std::lock_guard lock(loop.mutex);
  loop.registered = true;
  return 0;
}

int virEventRunDefaultImpl(void) {
  ResetLastError();
  EventLoop& loop = Loop();
  std::deque<std::function<void()>> due;
  {
    std::unique_lock lock(loop.mutex);
    loop.ready.wait_for(lock, kLoopWait, [&] { return !loop.queue.empty(); });
    due.swap(loop.queue);
  }
  for (auto& call : due) call();
  return 0;
}

}  // extern "C"
