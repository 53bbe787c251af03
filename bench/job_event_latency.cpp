// How late the job-completed event comes, on qemu:///embed (TCG): full push backups of a
// 64 MiB disk, throttled to 128 MiB/s (the qemu driver's test hook) so that each job ends
// ~0.5 s after it began, well after BackupBegin returned, in two kinds of rounds,
// interleaved:
//   - polled: BackupBegin, then GetJobStats every 1 ms until no job runs: the job's end as the
//     quickest client can see it (that look itself finishes the job);
//   - event:  BackupBegin, then wait for the registered callback.
// It prints both (median, p90) and their difference: what waiting for the event adds to a
// job's end as the quickest poller sees it (both pay the look that finishes the job).
// For the event rounds it also prints QEMU's event -> callback: from the timestamp QEMU put
// on the job's JOB_STATUS_CHANGE to "concluded" (its wall clock, which the qemu driver's
// test hook job_concluded_heard passes on) to the callback (the same host's wall clock).
//
//   job_event_latency [ROUNDS]     (default 20)
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_domain.hpp"
#include "cairn/cairn.hpp"
#include "drivers/qemu/test_hooks.hpp"
#include "must.hpp"

namespace {

using cairn::bench::Ms;
using cairn::bench::Must;
using cairn::bench::StartBenchDomain;
using Clock = std::chrono::steady_clock;

std::string LoadAverage() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  char buf[64] = "?";
  if (f != nullptr) {
    if (std::fscanf(f, "%63s", buf) != 1) buf[0] = 0;
    std::fclose(f);
  }
  return buf;
}

struct Heard {
  std::mutex mutex;
  std::condition_variable cv;
  int count = 0;
  Clock::time_point at;
  std::int64_t at_unix_us = 0;  // the callback, on the wall clock
  std::int64_t concluded_unix_us = 0;  // QEMU's timestamp of the last one
};

std::int64_t UnixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string PushXml(const std::string& target) {
  return "<domainbackup><disks><disk name='vda' type='file'><driver type='qcow2'/><target "
         "file='" + target + "'/></disk></disks></domainbackup>";
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 20;
  if (rounds < 1) {
    std::fprintf(stderr, "usage: job_event_latency [ROUNDS]\n");
    return 2;
  }
  ::setenv("CAIRN_ACCEL", "tcg", 1);
  char tmpl[] = "/var/tmp/cairn-event-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("job_event_latency: mkdtemp");
    return 1;
  }
  const std::string dir = tmpl;
  const std::string image = dir + "/vda.qcow2";
  if (std::system(("qemu-img create -q -f qcow2 " + image + " 64M && qemu-io -f qcow2 -c "
                    "'write -P 0x5a 0 8M' " + image + " >/dev/null").c_str()) != 0) {
    return 1;
  }
  Heard heard;
  cairn::drivers::qemu::TestHooks hooks;
  hooks.backup_speed = 128ll << 20;
  hooks.job_concluded_heard = [&heard](std::string_view, std::int64_t qemu_unix_us) {
    std::lock_guard lock(heard.mutex);
    heard.concluded_unix_us = qemu_unix_us;
    heard.cv.notify_all();
  };
  cairn::drivers::qemu::InstallTestHooks(hooks);

  auto conn = Must(cairn::Connection::Open("qemu:///embed?root=" + dir + "/root"), "open");
  auto dom = StartBenchDomain(conn, image);

  const int id = Must(cairn::RegisterJobCompletedCallback(
                          conn, &dom,
                          [&heard](const cairn::Domain&, const cairn::JobStats&) {
                            std::lock_guard lock(heard.mutex);
                            heard.at = Clock::now();
                            heard.at_unix_us = UnixMicros();
                            ++heard.count;
                            heard.cv.notify_all();
                          }),
                      "register");

  std::vector<double> polled, evented, from_qemu;
  for (int i = 0; i < rounds; ++i) {
    const std::string target = dir + "/t" + std::to_string(i) + ".qcow2";
    // Polled round (the callback hears this job too; it is not waited for).
    int before;
    {
      std::lock_guard lock(heard.mutex);
      before = heard.count;
    }
    auto t0 = Clock::now();
    Must(dom.BackupBegin(PushXml(target + ".p")), "begin (polled)");
    for (;;) {
      auto s = Must(dom.GetJobStats(), "stats");
      if (s.type == cairn::JobType::kNone) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    polled.push_back(Ms(Clock::now() - t0));
    {
      std::unique_lock lock(heard.mutex);  // let the polled job's event pass first
      heard.cv.wait_for(lock, std::chrono::seconds(5), [&] { return heard.count > before; });
      before = heard.count;
    }
    // Event round.
    // QEMU's events of this job are the ones stamped after its begin (the polled round's
    // concluded event may still be read after this point).
    const std::int64_t begun_unix_us = UnixMicros();
    t0 = Clock::now();
    Must(dom.BackupBegin(PushXml(target + ".e")), "begin (event)");
    {
      std::unique_lock lock(heard.mutex);
      if (!heard.cv.wait_for(lock, std::chrono::seconds(30), [&] { return heard.count > before; })) {
        std::fprintf(stderr, "job_event_latency: no event within 30 s\n");
        return 1;
      }
      evented.push_back(Ms(heard.at - t0));
      // The concluded event may be read just after the look it prompted (it came with the
      // BLOCK_JOB_COMPLETED that woke the source): wait for it a moment.
      if (heard.cv.wait_for(lock, std::chrono::seconds(1),
                            [&] { return heard.concluded_unix_us > begun_unix_us; })) {
        from_qemu.push_back(static_cast<double>(heard.at_unix_us - heard.concluded_unix_us) /
                            1000.0);
      }
    }
    std::filesystem::remove(target + ".p");
    std::filesystem::remove(target + ".e");
  }
  Must(cairn::DeregisterEventCallback(conn, id), "deregister");
  (void)dom.Destroy();
  (void)dom.Undefine();
  std::filesystem::remove_all(dir);

  std::printf("job-completed event latency, qemu:///embed (TCG), full push backup of a 64 MiB "
              "qcow2 disk at 128 MiB/s, %d rounds; load average %s\n", rounds, LoadAverage().c_str());
  std::printf("  begin -> end seen by polling GetJobStats every 1 ms: mean %.1f, median %.1f, "
              "p90 %.1f ms\n", Mean(polled), Percentile(polled, 0.5), Percentile(polled, 0.9));
  std::printf("  begin -> job-completed callback:                     mean %.1f, median %.1f, "
              "p90 %.1f ms\n", Mean(evented), Percentile(evented, 0.5), Percentile(evented, 0.9));
  std::printf("  event after the polled end: mean %.1f ms, median %.1f ms\n",
              Mean(evented) - Mean(polled), Percentile(evented, 0.5) - Percentile(polled, 0.5));
  if (from_qemu.empty()) {
    std::printf("  QEMU's event -> callback: no concluded event heard (no events monitor)\n");
  } else {
    std::printf("  QEMU's event -> callback (%zu rounds): mean %.1f, median %.1f, p90 %.1f, "
                "max %.1f ms\n", from_qemu.size(), Mean(from_qemu), Percentile(from_qemu, 0.5),
                Percentile(from_qemu, 0.9), Percentile(from_qemu, 1.0));
  }
  return 0;
}
