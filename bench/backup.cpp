// Backup speed through the public API on qemu:///embed (TCG): push full and incremental to
// qcow2 (begin latency, time to completion, throughput), pull (begin latency, nbdcopy of the
// export, abort latency), and the cost of one GetJobStats on a running job. The domain has
// one qcow2 disk filled with data offline; the incremental backup covers a region written
// offline after a checkpoint. The guest only sits in firmware.
//
//   backup [DISK_MIB [CHANGED_MIB [ROUNDS]]]     (defaults 1024, 64, 3)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cairn/cairn.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

template <typename T>
T Must(cairn::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "backup: %s: %s\n", what, r.error().Text().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void Must(cairn::Status s, const char* what) {
  if (!s) {
    std::fprintf(stderr, "backup: %s: %s\n", what, s.error().Text().c_str());
    std::exit(1);
  }
}

void Sh(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "backup: command failed: %s\n", cmd.c_str());
    std::exit(1);
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Polls until the job ended; returns the completed job's statistics.
cairn::JobStats WaitForEnd(const cairn::Domain& dom) {
  while (Must(dom.GetJobStats(), "job stats").type != cairn::JobType::kNone) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Must(dom.GetJobStats(cairn::JobStatsFlags::kCompleted), "completed job stats");
}

struct Timing {
  std::vector<double> begin_ms, total_ms;
};

void Print(const char* what, const Timing& t, double mib) {
  double total = Median(t.total_ms);
  std::printf("%-22s begin %8.1f ms   done %9.1f ms   %8.1f MiB/s\n", what, Median(t.begin_ms),
              total, mib / (total / 1000.0));
}

}  // namespace

int main(int argc, char** argv) {
  const long disk_mib = argc > 1 ? std::atol(argv[1]) : 1024;
  const long changed_mib = argc > 2 ? std::atol(argv[2]) : 64;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  ::setenv("CAIRN_ACCEL", "tcg", 1);
  char tmpl[] = "/var/tmp/cairn-backup-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("backup: mkdtemp");
    return 1;
  }
  const std::string dir = tmpl;
  const std::string image = dir + "/vda.qcow2";
  Sh("qemu-img create -q -f qcow2 " + image + " " + std::to_string(disk_mib) + "M");
  Sh("qemu-io -f qcow2 -c 'write -P 0x5a 0 " + std::to_string(disk_mib) + "M' " + image +
     " >/dev/null");

  auto conn = Must(cairn::Connection::Open("qemu:///embed?root=" + dir + "/root"), "open");
  auto dom = Must(
      conn.DefineDomainXml("<domain type='qemu'><name>bench</name><memory unit='MiB'>128</memory>"
                           "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>"
                           "<devices><disk type='file' device='disk'><driver name='qemu' "
                           "type='qcow2'/><source file='" +
                           image + "'/><target dev='vda' bus='virtio'/></disk></devices></domain>"),
      "define");
  // The incremental region: written offline after checkpoint c1, before start.
  Must(dom.CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"), "c1");
  Sh("qemu-io -f qcow2 -c 'write -P 0x77 0 " + std::to_string(changed_mib) + "M' " + image +
     " >/dev/null");
  Must(dom.Start(), "start");
  dom = Must(conn.LookupDomainByName("bench"), "lookup");
  std::printf(
      "backup: one qcow2 disk of %ld MiB, all data; incremental: %ld MiB changed; "
      "%d rounds, medians\n",
      disk_mib, changed_mib, rounds);

  auto push = [&](const char* name, const std::string& incremental, double mib) {
    Timing t;
    for (int i = 0; i < rounds; ++i) {
      std::string target = dir + "/t" + std::to_string(i) + name + ".qcow2";
      std::string xml = "<domainbackup>" + incremental +
                        "<disks><disk name='vda' type='file'><driver type='qcow2'/>"
                        "<target file='" +
                        target + "'/></disk></disks></domainbackup>";
      auto t0 = Clock::now();
      Must(dom.BackupBegin(xml), "push begin");
      auto t1 = Clock::now();
      cairn::JobStats done = WaitForEnd(dom);
      auto t2 = Clock::now();
      if (done.type != cairn::JobType::kCompleted) {
        std::fprintf(stderr, "backup: push did not complete: %s\n",
                     done.errmsg.value_or("?").c_str());
        std::exit(1);
      }
      t.begin_ms.push_back(Ms(t1 - t0));
      t.total_ms.push_back(Ms(t2 - t0));
      std::filesystem::remove(target);
    }
    Print(name, t, mib);
  };
  push("push full", "", static_cast<double>(disk_mib));
  push("push incremental", "<incremental>c1</incremental>", static_cast<double>(changed_mib));

  Timing pull;
  std::vector<double> abort_ms, stats_ms;
  const std::string socket = dir + "/nbd.sock";
  for (int i = 0; i < rounds; ++i) {
    auto t0 = Clock::now();
    Must(dom.BackupBegin("<domainbackup mode='pull'><server transport='unix' socket='" + socket +
                         "'/><disks><disk name='vda'/></disks></domainbackup>"),
         "pull begin");
    auto t1 = Clock::now();
    for (int k = 0; k < 20; ++k) {
      auto s0 = Clock::now();
      Must(dom.GetJobStats(), "job stats");
      stats_ms.push_back(Ms(Clock::now() - s0));
    }
    auto c0 = Clock::now();
    Sh("nbdcopy 'nbd+unix:///vda?socket=" + socket + "' null:");
    auto c1 = Clock::now();
    Must(dom.AbortJob(), "abort");
    abort_ms.push_back(Ms(Clock::now() - c1));
    pull.begin_ms.push_back(Ms(t1 - t0));
    pull.total_ms.push_back(Ms(c1 - c0));
  }
  std::printf("%-22s begin %8.1f ms   read %9.1f ms   %8.1f MiB/s   abort %.1f ms\n",
              "pull full (nbdcopy)", Median(pull.begin_ms), Median(pull.total_ms),
              static_cast<double>(disk_mib) / (Median(pull.total_ms) / 1000.0), Median(abort_ms));
  std::printf("%-22s %8.2f ms per call (running pull job)\n", "GetJobStats", Median(stats_ms));

  Must(dom.Destroy(), "destroy");
  std::filesystem::remove_all(dir);
  return 0;
}
