#include "util/user_dirs.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cairn::util {
namespace {

// Restores an environment variable when the test ends.
class SavedEnv {
 public:
  explicit SavedEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) value_ = v, had_ = true;
  }
  ~SavedEnv() { had_ ? setenv(name_, value_.c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::string value_;
  bool had_ = false;
};

TEST(UserDirs, XdgDirectoriesWhenAbsolute) {
  SavedEnv a("XDG_STATE_HOME"), b("XDG_RUNTIME_DIR"), c("HOME");
  setenv("XDG_STATE_HOME", "/s", 1);
  setenv("XDG_RUNTIME_DIR", "/r", 1);
  EXPECT_EQ(UserStateDir(), "/s/cairn");
  EXPECT_EQ(UserRuntimeDir(), "/r/cairn");
}

TEST(UserDirs, HomeFallbacksAsLibvirt) {
  SavedEnv a("XDG_STATE_HOME"), b("XDG_RUNTIME_DIR"), c("HOME");
  unsetenv("XDG_STATE_HOME");
  setenv("XDG_RUNTIME_DIR", "relative", 1);  // not absolute: ignored (the XDG rule)
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(UserStateDir(), "/home/u/.local/state/cairn");
  EXPECT_EQ(UserRuntimeDir(), "/home/u/.cache/cairn");
}

}  // namespace
}  // namespace cairn::util
