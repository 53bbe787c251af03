// Connection URI parsing and the scheme -> driver registry.
#include "driver/uri.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>

namespace cairn::driver {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, DriverFactory, std::less<>> factories;
};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s, std::string_view uri) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) {
        return Fail(ErrorCode::kInvalidArg, ErrorDomain::kUri,
                    fmt::format("malformed escape in URI '{}'", uri));
      }
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return Fail(ErrorCode::kInvalidArg, ErrorDomain::kUri,
                    fmt::format("malformed escape in URI '{}'", uri));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<ConnectUri> ParseConnectUri(std::string_view text) {
  ConnectUri uri;
  uri.text = std::string(text);
  std::size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kUri,
                fmt::format("unable to parse URI {}", text));
  }
  uri.scheme = std::string(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 3);
  std::size_t slash = rest.find('/');
  std::size_t qmark = rest.find('?');
  std::size_t host_end = std::min(slash, qmark);
  uri.host = std::string(rest.substr(0, host_end));
  if (host_end == std::string_view::npos) return uri;
  rest = rest.substr(host_end);
  qmark = rest.find('?');
  uri.path = std::string(rest.substr(0, qmark));
  if (qmark == std::string_view::npos) return uri;
  std::string_view query = rest.substr(qmark + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    Result<std::string> key = PercentDecode(pair.substr(0, eq), text);
    if (!key) return std::unexpected(key.error());
    Result<std::string> value =
        PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), text);
    if (!value) return std::unexpected(value.error());
    if (!key->empty()) uri.query[*key] = *value;
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return uri;
}

std::string DefaultUri() {
  const char* env = std::getenv("CAIRN_DEFAULT_URI");
  return env != nullptr && *env != 0 ? std::string(env) : std::string("qemu:///session");
}

bool NamesDaemon(const ConnectUri& uri) {
  if (uri.scheme.find('+') != std::string::npos || uri.query.contains("socket")) return true;
  return uri.scheme == "qemu" && uri.host.empty() && (uri.path == "/system" || uri.path == "/session");
}

void RegisterDriver(std::string scheme, DriverFactory factory) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mutex);
  r.factories[std::move(scheme)] = std::move(factory);
}

Result<std::unique_ptr<Driver>> OpenDriver(const ConnectUri& uri, bool read_only) {
  DriverFactory factory;
  {
    Registry& r = TheRegistry();
    std::lock_guard lock(r.mutex);
    auto it = r.factories.find(NamesDaemon(uri) ? std::string("remote") : uri.scheme);
    if (it != r.factories.end()) factory = it->second;
  }
  if (!factory) {
    return Fail(ErrorCode::kNoConnect, ErrorDomain::kNone, uri.text);
  }
  return factory(uri, read_only);
}

}  // namespace cairn::driver
