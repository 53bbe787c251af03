#include "util/unix_socket.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "util/temp_dir.hpp"

namespace cairn::util {
namespace {

TEST(UnixSocket, APathTooLongForSunPathIsRefusedBeforeAnySocket) {
  const std::string path(sizeof(sockaddr_un{}.sun_path), 'x');
  EXPECT_FALSE(UnixSocketAddress(path));
  auto fd = ConnectUnixSocket(path);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error(), ENAMETOOLONG);
}

TEST(UnixSocket, NothingListeningIsTheErrnoOfConnect) {
  auto dir = TempDir::Create("unix-socket");
  ASSERT_TRUE(dir);
  auto fd = ConnectUnixSocket((dir->path() / "absent.sock").string());
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error(), ENOENT);
}

TEST(UnixSocket, ConnectsToAListenerAndIsCloseOnExec) {
  auto dir = TempDir::Create("unix-socket");
  ASSERT_TRUE(dir);
  const std::string path = (dir->path() / "s.sock").string();
  auto address = UnixSocketAddress(path);
  ASSERT_TRUE(address);
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(listener);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address),
            0);
  ASSERT_EQ(::listen(listener.get(), 1), 0);
  auto fd = ConnectUnixSocket(path, /*nonblocking=*/true);
  ASSERT_TRUE(fd) << fd.error();
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFL) & O_NONBLOCK);
}

}  // namespace
}  // namespace cairn::util
