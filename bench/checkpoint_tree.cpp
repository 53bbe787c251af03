// Prints what CheckpointTree costs per checkpoint as the tree grows: create (Add), a full
// topological listing, and plain delete with re-parenting. Each operation is O(1) or O(visited),
// so a figure must not grow in step with N (10x per row); the milder rise at N = 100000 is
// the hash map and nodes outgrowing the CPU caches, which std::unordered_map alone shows too.
#include "model/checkpoint_tree.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Shape {
  std::vector<std::string> names;
  std::vector<std::optional<std::string_view>> parents;
};

// A long chain, the shape incremental backups produce, with a side branch every tenth
// checkpoint (one redefined or created from an older point).
Shape MakeShape(int n) {
  Shape shape;
  shape.names.reserve(n);
  for (int i = 0; i < n; ++i) shape.names.push_back("cp" + std::to_string(i));
  shape.parents.reserve(n);
  for (int i = 0; i < n; ++i) {
    if (i == 0) {
      shape.parents.emplace_back(std::nullopt);
    } else {
      shape.parents.emplace_back(shape.names[i % 10 == 0 && i >= 2 ? i - 2 : i - 1]);
    }
  }
  return shape;
}

double NsPer(Clock::duration elapsed, long count) {
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(count);
}

// One sample per run; the median is printed, so a single unlucky run does not count and
// small N, run many more times, is not flattered by taking its best case.
struct Figures {
  std::vector<double> create;
  std::vector<double> list;
  std::vector<double> remove;
};

double Median(std::vector<double> samples) {
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return samples[samples.size() / 2];
}

std::size_t sink = 0;  // keeps listings observable so they are not optimised away

bool RunOnce(const Shape& shape, Figures& figures) {
  const long n = static_cast<long>(shape.names.size());
  cairn::model::CheckpointTree tree;

  Clock::time_point start = Clock::now();
  for (long i = 0; i < n; ++i) {
    if (!tree.Add(shape.names[i], shape.parents[i])) return false;
  }
  figures.create.push_back(NsPer(Clock::now() - start, n));

  constexpr int kListings = 3;
  start = Clock::now();
  for (int i = 0; i < kListings; ++i) {
    sink += tree.ListAll(cairn::model::kListTopological).size();
  }
  figures.list.push_back(NsPer(Clock::now() - start, n * kListings));

  // In creation order each checkpoint is a root when its turn comes, and its one or two
  // children become roots: every delete re-parents.
  start = Clock::now();
  for (long i = 0; i < n; ++i) {
    if (!tree.Remove(shape.names[i])) return false;
  }
  figures.remove.push_back(NsPer(Clock::now() - start, n));
  return tree.Size() == 0;
}

}  // namespace

int main() {
  std::printf("%8s %15s %20s %15s\n", "N", "create ns/op", "list ns/checkpoint", "delete ns/op");
  for (int n : {1000, 10000, 100000}) {
    const Shape shape = MakeShape(n);
    const int runs = std::max(5, 2'000'000 / n);
    Figures figures;
    for (int run = 0; run < runs; ++run) {
      if (!RunOnce(shape, figures)) {
        std::fprintf(stderr, "checkpoint_tree: tree operation failed at N=%d\n", n);
        return 1;
      }
    }
    std::printf("%8d %15.1f %20.1f %15.1f\n", n, Median(figures.create), Median(figures.list),
                Median(figures.remove));
  }
  return sink == 0 ? 1 : 0;
}
