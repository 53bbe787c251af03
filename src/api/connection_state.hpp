// ConnectionState: what every handle of one connection shares — the driver, whether the
// connection is read-only, and the lock that serialises calls into the driver (drivers are
// written single-threaded; the API makes that true). A server's client connections
// (Connection::OpenClientConnection) each have their own, with a view of one driver: their
// calls run concurrently, which the driver's views allow (driver.hpp).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "cairn/domain.hpp"
#include "driver/driver.hpp"

namespace cairn::api {

struct ConnectionState {
  ConnectionState() = default;
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;
  // The last handle is gone: the driver ends its connection (Driver::Close) before it goes.
  ~ConnectionState() {
    if (driver) (void)driver->Close();
  }

  std::unique_ptr<driver::Driver> driver;
  bool read_only = false;
  std::mutex mutex;
};

// Makes handles from the driver's values, for the parts of src/api that are not the
// handles' own methods (the job-event fan-out).
struct Handles {
  static Domain MakeDomain(const std::shared_ptr<ConnectionState>& conn,
                           const driver::DomainRef& ref);
};

}  // namespace cairn::api
