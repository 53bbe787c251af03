// Checkpoint create and delete latency on a running QEMU domain, and the SIZE query
// latency, through the public API on qemu:///embed (the whole path: lock, metadata, QMP
// transaction, atomic metadata writes with fsync). The domain has two 1 GiB qcow2 disks;
// its guest only sits in firmware, which does not change what a checkpoint costs.
//
//   qemu_checkpoint [ROUNDS]     (default 50)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cairn/cairn.hpp"
#include "must.hpp"

namespace {

using cairn::bench::Ms;
using cairn::bench::Must;

using Clock = std::chrono::steady_clock;

void Report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  std::printf("%-22s %8.2f %8.2f %8.2f %8.2f\n", what, sum / ms.size(), ms[ms.size() / 2],
              ms[ms.size() * 9 / 10], ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
  char tmpl[] = "/tmp/cairn-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  for (const char* d : {"vda", "vdb"}) {
    std::string cmd = "qemu-img create -q -f qcow2 " + dir + "/" + d + ".qcow2 1G";
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  auto conn = Must(cairn::Connection::Open("qemu:///embed?root=" + dir + "/root"), "open");
  std::string xml =
      "<domain type='qemu'><name>bench</name><memory unit='MiB'>128</memory>"
      "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>";
  for (const char* d : {"vda", "vdb"}) {
    xml += std::string("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>") +
           "<source file='" + dir + "/" + d + ".qcow2'/><target dev='" + d +
           "' bus='virtio'/></disk>";
  }
  xml += "</devices></domain>";
  auto dom = Must(conn.DefineDomainXml(xml), "define");
  Must(dom.Start(), "start");
  dom = Must(conn.LookupDomainByName("bench"), "lookup");

  std::vector<double> create, size, del;
  for (int i = 0; i < rounds; ++i) {
    std::string name = "c" + std::to_string(i);
    auto t0 = Clock::now();
    auto cp = Must(
        dom.CheckpointCreateXml("<domaincheckpoint><name>" + name + "</name></domaincheckpoint>"),
        "create");
    auto t1 = Clock::now();
    Must(cp.GetXmlDesc(cairn::CheckpointXmlFlags::kSize | cairn::CheckpointXmlFlags::kNoDomain),
         "size");
    auto t2 = Clock::now();
    create.push_back(Ms(t1 - t0));
    size.push_back(Ms(t2 - t1));
  }
  for (int i = 0; i < rounds; ++i) {
    auto cp = Must(dom.CheckpointLookupByName("c" + std::to_string(i)), "lookup checkpoint");
    auto t0 = Clock::now();
    Must(cp.Delete(), "delete");
    del.push_back(Ms(Clock::now() - t0));
  }
  Must(dom.Destroy(), "destroy");
  std::string rm = "rm -rf " + dir;
  (void)std::system(rm.c_str());

  std::printf("qemu checkpoint latency, running domain, 2 disks, %d rounds (ms)\n", rounds);
  std::printf("%-22s %8s %8s %8s %8s\n", "operation", "mean", "median", "p90", "max");
  Report("create", create);
  Report("delete", del);
  Report("size (dumpxml --size)", size);
  return 0;
}
