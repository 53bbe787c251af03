// The per-user state and run directories (user_dirs.hpp).
#include "util/user_dirs.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace cairn::util {
namespace {

// An XDG variable counts only when it holds an absolute path.
const char* AbsoluteEnv(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v == '/' ? v : nullptr;
}

std::filesystem::path Home() {
  if (const char* h = AbsoluteEnv("HOME")) return h;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "/";
}

}  // namespace

std::filesystem::path UserStateDir() {
  if (const char* x = AbsoluteEnv("XDG_STATE_HOME")) return std::filesystem::path(x) / "cairn";
  return Home() / ".local/state/cairn";
}

std::filesystem::path UserRuntimeDir() {
  if (const char* x = AbsoluteEnv("XDG_RUNTIME_DIR")) return std::filesystem::path(x) / "cairn";
  return Home() / ".cache/cairn";
}

}  // namespace cairn::util
