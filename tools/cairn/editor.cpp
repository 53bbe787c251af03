// EditBuffer and AskReedit: temporary file, editor process, terminal question.
#include "tools/cairn/editor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "tools/cairn/local_files.hpp"

namespace cairn::cli {
namespace {

// Characters that need no shell quoting in an editor name or a temporary file name.
constexpr std::string_view kPlainChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_.:@";

bool IsPlain(std::string_view s) { return s.find_first_not_of(kPlainChars) == s.npos; }

Error SystemError(std::string message) {
  return Error(ErrorCode::kSystemError, ErrorDomain::kNone, std::move(message));
}

}  // namespace

Result<EditBuffer> EditBuffer::Create(const std::string& document) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir != nullptr ? tmpdir : "/tmp") + "/cairnXXXXXX.xml";
  int fd = ::mkostemps(path.data(), 4, O_CLOEXEC);
  if (fd < 0) {
    return std::unexpected(SystemError(
        fmt::format("mkostemps: failed to create temporary file: {}", std::strerror(errno))));
  }
  EditBuffer buffer(path);
  std::size_t done = 0;
  while (done < document.size()) {
    ssize_t n = ::write(fd, document.data() + done, document.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return std::unexpected(SystemError(fmt::format(
          "write: {}: failed to write to temporary file: {}", path, std::strerror(err))));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) < 0) {
    return std::unexpected(SystemError(fmt::format(
        "close: {}: failed to write or close temporary file: {}", path, std::strerror(errno))));
  }
  return buffer;
}

EditBuffer::~EditBuffer() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status EditBuffer::Edit() const {
  const char* editor = std::getenv("VISUAL");
  if (editor == nullptr) editor = std::getenv("EDITOR");
  if (editor == nullptr) editor = "vi";
  const bool through_shell = !IsPlain(editor);
  if (through_shell && !IsPlain(path_)) {
    return std::unexpected(SystemError(
        fmt::format("{}: temporary filename contains shell meta or other unacceptable characters "
                    "(is $TMPDIR wrong?)",
                    path_)));
  }
  const std::string command_line = fmt::format("{} {}", editor, path_);
  std::fflush(stdout);  // what cairn printed so far comes before anything the editor prints
  pid_t pid = ::fork();
  if (pid < 0) {
    return std::unexpected(
        SystemError(fmt::format("cannot fork child process: {}", std::strerror(errno))));
  }
  if (pid == 0) {
    if (through_shell) {
      ::execl("/bin/sh", "sh", "-c", command_line.c_str(), static_cast<char*>(nullptr));
    } else {
      ::execlp(editor, editor, path_.c_str(), static_cast<char*>(nullptr));
    }
    std::fprintf(stderr, "error: cannot execute '%s': %s\n", editor, std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return std::unexpected(SystemError(fmt::format("waitpid: {}", std::strerror(errno))));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return std::unexpected(
        Error(ErrorCode::kInternalError, ErrorDomain::kNone,
              fmt::format("Child process ({}) unexpected {} {}", command_line,
                          WIFEXITED(status) ? "exit status" : "fatal signal",
                          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status))));
  }
  return {};
}

Result<std::string> EditBuffer::Read() const {
  Result<std::string> text = ReadLocalFile(path_);
  if (!text) {
    return std::unexpected(SystemError(
        fmt::format("{}: failed to read temporary file: {}", path_, text.error().detail())));
  }
  return text;
}

int AskReedit(Session& session, const std::string& message) {
  if (!::isatty(STDIN_FILENO)) return -1;
  session.ReportError();
  termios saved{};
  if (::tcgetattr(STDIN_FILENO, &saved) < 0) return -1;
  termios raw = saved;
  ::cfmakeraw(&raw);
  raw.c_oflag |= OPOST;  // keep "\n" meaning a new line while asking
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
  int answer = -1;
  while (answer < 0) {
    session.out().Print(fmt::format("\r{} Try again? [y,n,f,?]: ", message));
    std::fflush(stdout);
    char c = 0;
    if (::read(STDIN_FILENO, &c, 1) != 1) break;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '?') {
      session.out().Print(
          "\r\ny - yes, start editor again\r\nn - no, throw away my changes\r\n"
          "f - force, try to redefine again\r\n? - print this help\r\n");
    } else if (c == 'y' || c == 'n' || c == 'f') {
      answer = c;
    }
  }
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  session.out().Print("\r\n");
  return answer < 0 ? 'n' : answer;
}

}  // namespace cairn::cli
