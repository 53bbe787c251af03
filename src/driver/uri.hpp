// ConnectUri: a parsed connection URI (scheme://[host]/path[?key=value&...]), and the
// registry that maps a URI's scheme to the driver that serves it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/error.hpp"
#include "driver/driver.hpp"

namespace cairn::driver {

struct ConnectUri {
  std::string text;    // as given
  std::string scheme;  // "test", "qemu"
  std::string host;    // empty for local URIs
  std::string path;    // "/default", "/session", "/system", "/embed"
  std::map<std::string, std::string, std::less<>> query;  // percent-decoded
};

// Parses a URI. Malformed text is VIR_ERR_INVALID_ARG naming it.
Result<ConnectUri> ParseConnectUri(std::string_view text);

// The URI used when none is given: $CAIRN_DEFAULT_URI, else qemu:///session.
std::string DefaultUri();

using DriverFactory =
    std::function<Result<std::unique_ptr<Driver>>(const ConnectUri& uri, bool read_only)>;

// Registers a driver for a scheme (called once per driver at start-up).
void RegisterDriver(std::string scheme, DriverFactory factory);

// Whether `uri` is served by a daemon, libvirt's rule: a +transport scheme (qemu+unix), a
// socket= parameter, or a local qemu:///system or qemu:///session (cairnd's, as libvirt's
// client sends those to libvirtd). Only qemu:///embed runs the qemu driver in-process.
bool NamesDaemon(const ConnectUri& uri);

// Opens the driver for `uri`: the one registered for its scheme, or the one registered as
// "remote" when the URI names a daemon (NamesDaemon).
// No driver for it: VIR_ERR_NO_CONNECT naming the URI.
Result<std::unique_ptr<Driver>> OpenDriver(const ConnectUri& uri, bool read_only);

}  // namespace cairn::driver
