#include "util/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace cairn::util {
namespace {

Error SystemError(std::string message, int err) {
  return Error(ErrorCode::kSystemError, ErrorDomain::kNone,
               fmt::format("{}: {}", message, std::strerror(err)));
}

// posix_spawn's two attribute objects, released on every path.
class SpawnActions {
 public:
  SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() { ::posix_spawnattr_init(&attr_); }
  ~SpawnAttributes() { ::posix_spawnattr_destroy(&attr_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

// The descriptors one stream needs while spawning: `source` is dup2()ed onto the child's
// descriptor, `parent_end` is what the parent keeps of a pipe.
struct StreamPlan {
  UniqueFd source;
  UniqueFd parent_end;
  bool to_null = false;
};

Result<StreamPlan> PlanStream(const Redirect& redirect, int target, const std::string& program) {
  StreamPlan plan;
  switch (redirect.kind) {
    case Redirect::Kind::kInherit:
      break;
    case Redirect::Kind::kNull:
      plan.to_null = true;
      break;
    case Redirect::Kind::kFd: {
      // A private copy above 2, so that no dup2() onto 0..2 can clobber another stream's
      // source, and so that dup2() always clears close-on-exec on the target.
      int fd = ::fcntl(redirect.fd, F_DUPFD_CLOEXEC, 3);
      if (fd < 0) {
        return std::unexpected(
            SystemError(fmt::format("cannot redirect a stream of '{}'", program), errno));
      }
      plan.source.reset(fd);
      break;
    }
    case Redirect::Kind::kPipe: {
      std::array<int, 2> fds;
      if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        return std::unexpected(
            SystemError(fmt::format("cannot create a pipe for '{}'", program), errno));
      }
      UniqueFd read_end(fds[0]);
      UniqueFd write_end(fds[1]);
      bool child_reads = target == STDIN_FILENO;
      plan.source = child_reads ? std::move(read_end) : std::move(write_end);
      plan.parent_end = child_reads ? std::move(write_end) : std::move(read_end);
      break;
    }
  }
  return plan;
}

int AddStreamAction(SpawnActions& actions, const StreamPlan& plan, int target) {
  if (plan.to_null) {
    int flags = target == STDIN_FILENO ? O_RDONLY : O_WRONLY;
    return ::posix_spawn_file_actions_addopen(actions.get(), target, "/dev/null", flags, 0);
  }
  if (!plan.source) return 0;
  return ::posix_spawn_file_actions_adddup2(actions.get(), plan.source.get(), target);
}

ExitStatus FromWaitStatus(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) status.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) status.term_signal = WTERMSIG(wait_status);
  return status;
}

}  // namespace

std::string ExitStatus::Describe() const {
  if (term_signal > 0) return fmt::format("killed by signal {}", term_signal);
  return fmt::format("exited with status {}", exit_code);
}

Result<ChildProcess> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                         const SpawnOptions& options) {
  if (argv.empty()) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kNone, "cannot run a command with no program");
  }
  const std::string& program = argv[0];

  constexpr std::array<int, 3> kTargets = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
  const std::array<const Redirect*, 3> redirects = {&options.in, &options.out, &options.err};
  std::array<StreamPlan, 3> plans;
  SpawnActions actions;
  int rc = 0;
  for (size_t i = 0; i < kTargets.size(); ++i) {
    Result<StreamPlan> plan = PlanStream(*redirects[i], kTargets[i], program);
    if (!plan) return std::unexpected(plan.error());
    plans[i] = std::move(*plan);
    if (rc == 0) rc = AddStreamAction(actions, plans[i], kTargets[i]);
  }
  // Descriptors the parent opened without O_CLOEXEC must not leak into the child: a
  // leaked pipe end would keep a reader waiting for an end-of-file that never comes.
  if (rc == 0) rc = ::posix_spawn_file_actions_addclosefrom_np(actions.get(), 3);

  // The child starts with no blocked signals and SIGPIPE at its default, whatever the
  // parent did with them.
  SpawnAttributes attributes;
  sigset_t empty;
  sigset_t defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  if (rc == 0) rc = ::posix_spawnattr_setsigmask(attributes.get(), &empty);
  if (rc == 0) rc = ::posix_spawnattr_setsigdefault(attributes.get(), &defaults);
  if (rc == 0) {
    rc = ::posix_spawnattr_setflags(attributes.get(),
                                    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  if (rc != 0) return std::unexpected(SystemError(fmt::format("cannot run '{}'", program), rc));

  std::vector<char*> c_argv;
  c_argv.reserve(argv.size() + 1);
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);

  pid_t pid = -1;
  // glibc reports a failed exec here too, not as an exit status of 127.
  rc = ::posix_spawnp(&pid, program.c_str(), actions.get(), attributes.get(), c_argv.data(),
                      environ);
  if (rc != 0) return std::unexpected(SystemError(fmt::format("cannot run '{}'", program), rc));

  ChildProcess child(pid, program);
  child.stdin_ = std::move(plans[0].parent_end);
  child.stdout_ = std::move(plans[1].parent_end);
  child.stderr_ = std::move(plans[2].parent_end);
  return child;
}

ChildProcess::~ChildProcess() { KillAndReap(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      program_(std::move(other.program_)),
      status_(std::move(other.status_)),
      stdin_(std::move(other.stdin_)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    pid_ = std::exchange(other.pid_, -1);
    program_ = std::move(other.program_);
    status_ = std::move(other.status_);
    stdin_ = std::move(other.stdin_);
    stdout_ = std::move(other.stdout_);
    stderr_ = std::move(other.stderr_);
  }
  return *this;
}

void ChildProcess::KillAndReap() noexcept {
  if (pid_ <= 0 || status_) return;
  ::kill(pid_, SIGKILL);
  int wait_status = 0;
  while (::waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
  }
  status_ = FromWaitStatus(wait_status);
}

Result<ExitStatus> ChildProcess::Wait() {
  Result<std::optional<ExitStatus>> status = Reap(0);
  if (!status) return std::unexpected(status.error());
  return **status;
}

Result<std::optional<ExitStatus>> ChildProcess::TryWait() { return Reap(WNOHANG); }

Result<std::optional<ExitStatus>> ChildProcess::Reap(int options) {
  if (status_) return status_;
  if (pid_ <= 0) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kNone, "wait on a moved-from process");
  }
  int wait_status = 0;
  pid_t reaped;
  while ((reaped = ::waitpid(pid_, &wait_status, options)) < 0) {
    if (errno != EINTR) {
      return std::unexpected(
          SystemError(fmt::format("cannot wait for '{}' (pid {})", program_, pid_), errno));
    }
  }
  if (reaped == 0) return std::nullopt;  // WNOHANG, still running
  status_ = FromWaitStatus(wait_status);
  return status_;
}

Status ChildProcess::Kill(int signal) {
  if (status_) return {};
  if (pid_ <= 0) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kNone, "kill of a moved-from process");
  }
  if (::kill(pid_, signal) != 0) {
    return std::unexpected(
        SystemError(fmt::format("cannot signal '{}' (pid {})", program_, pid_), errno));
  }
  return {};
}

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 const std::function<void(std::string_view)>& on_stdout) {
  Result<ChildProcess> child = ChildProcess::Spawn(
      argv, {.in = Redirect::Null(), .out = Redirect::Pipe(), .err = Redirect::Pipe()});
  if (!child) return std::unexpected(child.error());

  CommandOutput output;
  std::array<UniqueFd, 2> fds = {child->TakeStdout(), child->TakeStderr()};
  std::array<std::string*, 2> sinks = {&output.out, &output.err};
  std::array<char, 65536> buffer;
  while (fds[0] || fds[1]) {
    std::array<pollfd, 2> polled = {pollfd{.fd = fds[0].get(), .events = POLLIN, .revents = 0},
                                    pollfd{.fd = fds[1].get(), .events = POLLIN, .revents = 0}};
    if (::poll(polled.data(), polled.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(
          SystemError(fmt::format("cannot read output of '{}'", child->program()), errno));
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (polled[i].revents == 0) continue;  // also true for a closed stream (fd -1)
      ssize_t n = ::read(fds[i].get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return std::unexpected(
            SystemError(fmt::format("cannot read output of '{}'", child->program()), errno));
      }
      if (n == 0) {
        fds[i].reset();
      } else {
        sinks[i]->append(buffer.data(), static_cast<size_t>(n));
        if (i == 0 && on_stdout) on_stdout({buffer.data(), static_cast<size_t>(n)});
      }
    }
  }
  Result<ExitStatus> status = child->Wait();
  if (!status) return std::unexpected(status.error());
  output.status = *status;
  return output;
}

Result<std::string> RunProgram(const std::vector<std::string>& argv, ErrorDomain domain,
                               std::string_view what) {
  Result<CommandOutput> out = RunCommand(argv);
  if (!out) return std::unexpected(out.error());
  if (out->status.Success()) return std::move(out->out);
  std::string msg = std::move(out->err);
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return Fail(ErrorCode::kOperationFailed, domain,
              fmt::format("{} {}: {}", what, out->status.Describe(), msg));
}

}  // namespace cairn::util
