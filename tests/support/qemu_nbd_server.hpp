// tests/support/qemu_nbd_server.hpp — a real qemu-nbd serving an image over a unix socket,
// and the qemu-img / qemu-io runs tests use to shape images. For tests of cairn-backup's
// NBD client and disk backup/restore. Killed and reaped when it goes out of scope.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "util/child_process.hpp"
#include "util/unix_socket.hpp"

namespace cairn::testing {

// Runs `argv` to completion; a test failure if it cannot start or exits non-zero.
inline ::testing::AssertionResult RunTool(const std::vector<std::string>& argv) {
  auto child = util::ChildProcess::Spawn(argv, {.out = util::Redirect::Null()});
  if (!child) return ::testing::AssertionFailure() << child.error().Text();
  auto status = child->Wait();
  if (!status || !status->Success()) return ::testing::AssertionFailure() << argv[0] << " failed";
  return ::testing::AssertionSuccess();
}

// Waits (at most `timeout`) until the server at unix socket `path` accepts a connection: a
// server binds its path before it listens, so the file alone does not mean it is ready.
inline bool WaitUntilListening(const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!util::ConnectUnixSocket(path)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class QemuNbdServer {
 public:
  // Serves qcow2 `image` read-only at `socket`, exporting persistent bitmap `bitmap` if set.
  QemuNbdServer(const std::string& image, const std::string& socket,
                const std::string& bitmap = "")
      : socket_(socket) {
    std::vector<std::string> argv{"qemu-nbd", "--read-only", "--persistent", "--shared=16",
                                  "--format=qcow2", "--socket=" + socket};
    if (!bitmap.empty()) argv.insert(argv.end(), {"-B", bitmap});
    argv.push_back(image);
    unlink(socket.c_str());
    // stderr too: a qemu-nbd outliving a crashed test must not hold ctest's pipe open.
    auto child = util::ChildProcess::Spawn(
        argv, {.out = util::Redirect::Null(), .err = util::Redirect::Null()});
    EXPECT_TRUE(child) << child.error().Text();
    if (child) child_.emplace(std::move(*child));
    EXPECT_TRUE(WaitUntilListening(socket, std::chrono::seconds(10)))
        << "qemu-nbd never listened on " << socket;
  }
  std::string Uri() const { return "nbd+unix:///?socket=" + socket_; }

 private:
  std::string socket_;
  std::optional<util::ChildProcess> child_;
};

}  // namespace cairn::testing
