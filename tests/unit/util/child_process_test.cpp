#include "util/child_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "util/atomic_file.hpp"
#include "util/temp_dir.hpp"

namespace cairn::util {
namespace {

std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

TEST(ChildProcess, WaitReturnsTheExitCode) {
  Result<ChildProcess> child = ChildProcess::Spawn({"sh", "-c", "exit 3"});
  ASSERT_TRUE(child.has_value()) << child.error().Text();

  Result<ExitStatus> status = child->Wait();

  ASSERT_TRUE(status.has_value()) << status.error().Text();
  EXPECT_EQ(status->exit_code, 3);
  EXPECT_EQ(status->term_signal, 0);
  EXPECT_FALSE(status->Success());
  EXPECT_EQ(status->Describe(), "exited with status 3");
}

TEST(ChildProcess, WaitAfterWaitReturnsTheSameStatus) {
  Result<ChildProcess> child = ChildProcess::Spawn({"true"});
  ASSERT_TRUE(child.has_value());
  ASSERT_TRUE(child->Wait().has_value());

  Result<ExitStatus> again = child->Wait();

  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->Success());
}

TEST(ChildProcess, KillEndsTheChildWithTheSignal) {
  Result<ChildProcess> child = ChildProcess::Spawn({"sleep", "100"});
  ASSERT_TRUE(child.has_value());

  ASSERT_TRUE(child->Kill(SIGTERM).has_value());
  Result<ExitStatus> status = child->Wait();

  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->term_signal, SIGTERM);
  EXPECT_EQ(status->exit_code, -1);
  EXPECT_EQ(status->Describe(), "killed by signal 15");
}

TEST(ChildProcess, KillAfterWaitDoesNothing) {
  Result<ChildProcess> child = ChildProcess::Spawn({"true"});
  ASSERT_TRUE(child.has_value());
  ASSERT_TRUE(child->Wait().has_value());

  EXPECT_TRUE(child->Kill(SIGKILL).has_value());
}

TEST(ChildProcess, DestructorKillsAndReapsARunningChild) {
  pid_t pid = -1;
  {
    Result<ChildProcess> child = ChildProcess::Spawn({"sleep", "100"});
    ASSERT_TRUE(child.has_value());
    pid = child->pid();
  }

  // Reaped: no longer our child, so neither a zombie nor still running.
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(ChildProcess, MovedChildIsReapedOnlyByItsNewOwner) {
  Result<ChildProcess> child = ChildProcess::Spawn({"sh", "-c", "exit 7"});
  ASSERT_TRUE(child.has_value());

  std::optional<ChildProcess> moved(std::move(*child));
  child = Fail(ErrorCode::kInternalError, ErrorDomain::kNone, "drop the moved-from child");
  Result<ExitStatus> status = moved->Wait();

  ASSERT_TRUE(status.has_value()) << status.error().Text();
  EXPECT_EQ(status->exit_code, 7);
}

TEST(ChildProcess, MissingProgramIsASystemErrorNamingIt) {
  Result<ChildProcess> child = ChildProcess::Spawn({"cairn-no-such-program"});

  ASSERT_FALSE(child.has_value());
  EXPECT_EQ(child.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(child.error().detail(),
            "cannot run 'cairn-no-such-program': No such file or directory");
}

TEST(ChildProcess, EmptyArgvIsInvalidArg) {
  Result<ChildProcess> child = ChildProcess::Spawn({});

  ASSERT_FALSE(child.has_value());
  EXPECT_EQ(child.error().code(), ErrorCode::kInvalidArg);
}

TEST(ChildProcess, PipesCarryStdinToTheChildAndStdoutBack) {
  Result<ChildProcess> child = ChildProcess::Spawn(
      {"cat"}, {.in = Redirect::Pipe(), .out = Redirect::Pipe(), .err = Redirect::Inherit()});
  ASSERT_TRUE(child.has_value());
  UniqueFd in = child->TakeStdin();
  UniqueFd out = child->TakeStdout();
  ASSERT_TRUE(in);
  ASSERT_TRUE(out);

  ASSERT_EQ(::write(in.get(), "hello", 5), 5);
  in.reset();  // end-of-file for cat
  std::string echoed = ReadAll(out.get());

  EXPECT_EQ(echoed, "hello");
  Result<ExitStatus> status = child->Wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->Success());
}

TEST(ChildProcess, StreamNotRedirectedToAPipeHasNoParentEnd) {
  Result<ChildProcess> child = ChildProcess::Spawn({"true"});
  ASSERT_TRUE(child.has_value());

  EXPECT_FALSE(child->TakeStdin());
  EXPECT_FALSE(child->TakeStdout());
  EXPECT_FALSE(child->TakeStderr());
}

TEST(ChildProcess, StdoutAndStderrCanGoToCallerDescriptors) {
  Result<TempDir> dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  std::string out_path = (dir->path() / "out").string();
  std::string err_path = (dir->path() / "err").string();
  UniqueFd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  UniqueFd err(::open(err_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(out);
  ASSERT_TRUE(err);

  Result<ChildProcess> child = ChildProcess::Spawn(
      {"sh", "-c", "echo to-out; echo to-err >&2"},
      {.in = Redirect::Null(), .out = Redirect::ToFd(out.get()), .err = Redirect::ToFd(err.get())});
  ASSERT_TRUE(child.has_value()) << child.error().Text();
  ASSERT_TRUE(child->Wait().has_value());

  EXPECT_EQ(ReadFile(out_path).value_or("?"), "to-out\n");
  EXPECT_EQ(ReadFile(err_path).value_or("?"), "to-err\n");
}

TEST(ChildProcess, SwappedStandardDescriptorsDoNotClobberEachOther) {
  Result<TempDir> dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  std::string out_path = (dir->path() / "out").string();
  std::string err_path = (dir->path() / "err").string();

  // In a forked helper, whose own stdout and stderr are files, spawn with stdout sent to
  // descriptor 2 and stderr to descriptor 1: a naive dup2(2, 1); dup2(1, 2) sends both to one.
  pid_t helper = ::fork();
  if (helper == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT, 0644);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(2);
    Result<ChildProcess> child = ChildProcess::Spawn({"sh", "-c", "echo to-out; echo to-err >&2"},
                                                     {.in = Redirect::Null(),
                                                      .out = Redirect::ToFd(STDERR_FILENO),
                                                      .err = Redirect::ToFd(STDOUT_FILENO)});
    ::_exit(child && child->Wait().value_or(ExitStatus{}).Success() ? 0 : 1);
  }
  int helper_status = 0;
  ASSERT_EQ(::waitpid(helper, &helper_status, 0), helper);
  ASSERT_TRUE(WIFEXITED(helper_status) && WEXITSTATUS(helper_status) == 0);

  EXPECT_EQ(ReadFile(err_path).value_or("?"), "to-out\n");
  EXPECT_EQ(ReadFile(out_path).value_or("?"), "to-err\n");
}

TEST(ChildProcess, ChildGetsNoDescriptorBeyondTheStandardThree) {
  // A descriptor opened without O_CLOEXEC would leak into the child if Spawn let it; a high
  // number keeps it clear of anything the shell opens for itself.
  UniqueFd dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(dev_null);
  UniqueFd leaky(::fcntl(dev_null.get(), F_DUPFD, 100));
  ASSERT_TRUE(leaky);
  std::string probe = "test -e /proc/self/fd/" + std::to_string(leaky.get()) + " && echo leaked";

  Result<CommandOutput> output = RunCommand({"sh", "-c", probe});

  ASSERT_TRUE(output.has_value()) << output.error().Text();
  EXPECT_EQ(output->out, "");
}

TEST(ChildProcess, TryWaitSaysRunningUntilTheChildEndsThenReapsIt) {
  Result<ChildProcess> child = ChildProcess::Spawn({"sh", "-c", "read x; exit 4"},
                                                   {.in = Redirect::Pipe()});
  ASSERT_TRUE(child) << child.error().Text();
  UniqueFd in = child->TakeStdin();
  auto running = child->TryWait();
  ASSERT_TRUE(running);
  EXPECT_FALSE(running->has_value());
  in.reset();  // end of file: the child exits
  std::optional<ExitStatus> ended;
  for (int i = 0; i < 500 && !ended; ++i) {
    auto status = child->TryWait();
    ASSERT_TRUE(status);
    ended = *status;
    if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->exit_code, 4);
  EXPECT_EQ(child->Wait()->exit_code, 4);  // reaped once; the same status again
}

TEST(RunCommand, CapturesStdoutStderrAndExitCodeSeparately) {
  Result<CommandOutput> output = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 2"});

  ASSERT_TRUE(output.has_value()) << output.error().Text();
  EXPECT_EQ(output->out, "out\n");
  EXPECT_EQ(output->err, "err\n");
  EXPECT_EQ(output->status.exit_code, 2);
}

TEST(RunCommand, ChildReadsEndOfFileOnStdin) {
  Result<CommandOutput> output = RunCommand({"cat"});

  ASSERT_TRUE(output.has_value());
  EXPECT_EQ(output->out, "");
  EXPECT_TRUE(output->status.Success());
}

TEST(RunCommand, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // 1 MB to stderr before any stdout: far more than a pipe holds, so a reader that drained
  // stdout first would wait forever on a child blocked writing stderr.
  Result<CommandOutput> output =
      RunCommand({"sh", "-c", "head -c 1000000 /dev/zero >&2; head -c 1000000 /dev/zero"});

  ASSERT_TRUE(output.has_value()) << output.error().Text();
  EXPECT_EQ(output->err.size(), 1000000u);
  EXPECT_EQ(output->out.size(), 1000000u);
  EXPECT_TRUE(output->status.Success());
}

TEST(RunCommand, StdoutIsSeenAsItComesWhileTheProgramRuns) {
  // The second piece is written only once the first has been seen: a reader that waited for
  // the end would deadlock here (the file it waits on would never appear).
  const std::string flag = ::testing::TempDir() + "cairn-run-command-seen";
  std::remove(flag.c_str());
  std::string seen;
  Result<CommandOutput> output = RunCommand(
      {"sh", "-c", "printf first; while [ ! -e \"$0\" ]; do sleep 0.01; done; printf second",
       flag},
      [&](std::string_view piece) {
        seen += piece;
        if (seen == "first") std::ofstream{flag};
      });
  std::remove(flag.c_str());
  ASSERT_TRUE(output.has_value()) << output.error().Text();
  EXPECT_EQ(seen, "firstsecond");
  EXPECT_EQ(output->out, "firstsecond");
}

TEST(RunCommand, MissingProgramIsASystemErrorNamingIt) {
  Result<CommandOutput> output = RunCommand({"/nonexistent/qemu-img", "info"});

  ASSERT_FALSE(output.has_value());
  EXPECT_EQ(output.error().code(), ErrorCode::kSystemError);
  EXPECT_EQ(output.error().detail(),
            "cannot run '/nonexistent/qemu-img': No such file or directory");
}

}  // namespace
}  // namespace cairn::util
