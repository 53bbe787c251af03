// util/child_process.hpp — ChildProcess, a spawned program owned like any other resource.
//
// A ChildProcess is reaped exactly once: by Wait() (or a TryWait() that saw it end), or by
// its destructor, which sends SIGKILL first if the program is still running, so Cairn leaves
// neither zombies nor orphans behind. The child gets only descriptors 0, 1 and 2; everything
// else the parent has open is closed in the child, whatever its close-on-exec flag. Not
// thread-safe: one thread owns a ChildProcess. It never installs signal handlers and never
// reaps other pids.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "util/unique_fd.hpp"

namespace cairn::util {

// Where one of the child's standard streams goes.
struct Redirect {
  enum class Kind {
    kInherit,  // the parent's own descriptor
    kNull,     // /dev/null
    kFd,       // a descriptor the caller gives
    kPipe,     // a new pipe; the parent's end is taken with ChildProcess::Take*()
  };
  Kind kind = Kind::kInherit;
  int fd = -1;  // kFd only: borrowed, needs to stay open only until Spawn() returns

  static Redirect Inherit() { return {}; }
  static Redirect Null() { return {.kind = Kind::kNull}; }
  static Redirect Pipe() { return {.kind = Kind::kPipe}; }
  static Redirect ToFd(int fd) { return {.kind = Kind::kFd, .fd = fd}; }
};

struct SpawnOptions {
  Redirect in{};   // Default: inherited.
  Redirect out{};  // Default: inherited.
  Redirect err{};  // Default: inherited.
};

// How a child ended: it either exited (exit_code >= 0) or was killed (term_signal > 0).
struct ExitStatus {
  int exit_code = -1;
  int term_signal = 0;

  bool Success() const { return exit_code == 0; }
  // "exited with status 3" or "killed by signal 9", to end an error message.
  std::string Describe() const;
};

class ChildProcess {
 public:
  // Starts argv[0], looked up in $PATH when it has no '/', with argv as its arguments and
  // the parent's environment. Fails with kSystemError naming the program when it cannot be
  // started ("cannot run 'qemu-img': No such file or directory"), kInvalidArg when argv is
  // empty.
  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                    const SpawnOptions& options = {});

  // Kills (SIGKILL) and reaps the child unless Wait() already reaped it.
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& program() const { return program_; }

  // The parent's end of a Redirect::Pipe() stream; empty if the stream is not a pipe or was
  // already taken. Close the stdin end to give the child end-of-file.
  UniqueFd TakeStdin() { return std::move(stdin_); }
  UniqueFd TakeStdout() { return std::move(stdout_); }
  UniqueFd TakeStderr() { return std::move(stderr_); }

  // Blocks until the child ends and reaps it. Once reaped, returns the same status again.
  // Fails with kSystemError if waitpid() fails.
  Result<ExitStatus> Wait();

  // Reaps the child if it has ended and returns its status; nullopt while it still runs.
  // Fails with kSystemError if waitpid() fails.
  Result<std::optional<ExitStatus>> TryWait();

  // Sends `signal` to the child. Does nothing once Wait() has reaped it, since its pid may
  // then belong to another process. Fails with kSystemError if kill() fails.
  Status Kill(int signal);

 private:
  ChildProcess(pid_t pid, std::string program) : pid_(pid), program_(std::move(program)) {}
  void KillAndReap() noexcept;
  // waitpid() with `options` (0 or WNOHANG); nullopt while the child runs on.
  Result<std::optional<ExitStatus>> Reap(int options);

  pid_t pid_ = -1;  // -1 once moved from
  std::string program_;
  std::optional<ExitStatus> status_;  // set once reaped
  UniqueFd stdin_;
  UniqueFd stdout_;
  UniqueFd stderr_;
};

// What a finished command printed and how it ended.
struct CommandOutput {
  std::string out;
  std::string err;
  ExitStatus status;
};

// Runs argv to completion with stdin on /dev/null, capturing stdout and stderr (both read
// as they come, so a chatty program cannot deadlock on a full pipe). `on_stdout`, when given,
// sees each piece of stdout as it arrives (a progress meter), on the calling thread. A
// non-zero exit is not an error here: the caller reads `status`. Fails with kSystemError
// naming the program if it cannot be started, read from or waited for.
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 const std::function<void(std::string_view)>& on_stdout = {});

// RunCommand for a program whose failure is the caller's: its standard output when it exits
// with status 0; otherwise kOperationFailed in `domain`, "<what> <how it ended>: <its
// stderr without trailing newlines>" ("qemu-img info exited with status 1: Could not open
// 'x'"). Starting it can fail as RunCommand does.
Result<std::string> RunProgram(const std::vector<std::string>& argv, ErrorDomain domain,
                               std::string_view what);

}  // namespace cairn::util
