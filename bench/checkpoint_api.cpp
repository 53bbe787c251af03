// Per-operation cost of checkpoint create, list --topological and delete through the
// public C++ API on test:///default, at 1e3 and 1e4 checkpoints. Every create goes through
// the whole path a user's call takes: argument checks, XML parse, RelaxNG validation, disk
// alignment against the domain, tree insertion.
//
//   checkpoint_api [N ...]      (default: 1000 10000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cairn/cairn.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "checkpoint_api: %s failed\n", what);
    std::exit(1);
  }
}

void Run(int n) {
  auto conn = cairn::Connection::Open("test:///default");
  Check(conn.has_value(), "open");
  auto dom = conn->LookupDomainByName("test");
  Check(dom.has_value(), "lookup");

  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::string xml = "<domaincheckpoint><name>cp" + std::to_string(i) +
                      "</name></domaincheckpoint>";
    Check(dom->CheckpointCreateXml(xml).has_value(), "create");
  }
  auto t1 = Clock::now();

  constexpr int kLists = 20;
  std::size_t listed = 0;
  for (int i = 0; i < kLists; ++i) {
    auto list = dom->ListAllCheckpoints(cairn::CheckpointListFlags::kTopological);
    Check(list.has_value(), "list");
    listed += list->size();
  }
  auto t2 = Clock::now();
  Check(listed == static_cast<std::size_t>(n) * kLists, "list size");

  // Delete from the root down: every delete re-parents the next checkpoint of the chain.
  for (int i = 0; i < n; ++i) {
    auto cp = dom->CheckpointLookupByName("cp" + std::to_string(i));
    Check(cp.has_value(), "lookup checkpoint");
    Check(cp->Delete().has_value(), "delete");
  }
  auto t3 = Clock::now();

  std::printf("%8d %14.2f %14.2f %16.4f %14.2f\n", n, Micros(t1 - t0) / n,
              Micros(t2 - t1) / kLists, Micros(t2 - t1) / static_cast<double>(listed),
              Micros(t3 - t2) / n);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000};
  std::printf("checkpoint API on test:///default (microseconds)\n");
  std::printf("%8s %14s %14s %16s %14s\n", "N", "create/op", "list-topo/call",
              "list/checkpoint", "delete/op");
  for (int n : sizes) Run(n);
  return 0;
}
