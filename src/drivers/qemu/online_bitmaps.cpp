// DiskBitmaps of a running domain, through the monitor its session lends. Adding and removing
// bitmaps of several disks is one `transaction`, so all disks change at the same instant or
// none does.
#include <fmt/format.h>

#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/qemu_command.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::drivers::qemu {

namespace {

// The bitmaps of the domain's checkpointable disks (qcow2, with media), read from QEMU's
// query-named-block-nodes answer `nodes`.
std::vector<DiskBitmapView> ViewsOfNodes(const conf::DomainDef& def,
                                         const std::vector<qmp::BlockNodeInfo>& nodes) {
  std::vector<DiskBitmapView> out;
  for (const conf::DomainDiskDef& d : def.disks()) {
    if (d.format != "qcow2" || d.empty()) continue;
    DiskBitmapView disk{d.target, DiskNodeName(d.target), d.source, {}};
    if (const qmp::BlockNodeInfo* node = qmp::FindNode(nodes, disk.node)) {
      disk.bitmaps = node->dirty_bitmaps;
    }
    out.push_back(std::move(disk));
  }
  return out;
}

class OnlineDiskBitmaps : public DiskBitmaps {
 public:
  OnlineDiskBitmaps(const conf::DomainDef& def, LentMonitor& monitor)
      : def_(def), monitor_(monitor) {}

  Result<std::vector<DiskBitmapView>> Query() override {
    Result<qmp::QmpClient*> qmp = monitor_.Get();
    if (!qmp) return std::unexpected(qmp.error());
    Result<std::vector<qmp::BlockNodeInfo>> nodes = qmp::QueryNamedBlockNodes(**qmp);
    if (!nodes) return std::unexpected(nodes.error());
    return ViewsOfNodes(def_, *nodes);
  }

  Status Add(const std::vector<BitmapRef>& bitmaps) override {
    std::vector<qmp::TransactionAction> actions;
    for (const BitmapRef& b : bitmaps) {
      qmp::BlockDirtyBitmapAdd add;
      add.node = DiskNodeName(b.target);
      add.name = b.name;
      actions.push_back(std::move(add));
    }
    return Run(actions);
  }

  Status Remove(const std::vector<BitmapRef>& bitmaps) override {
    std::vector<qmp::TransactionAction> actions;
    for (const BitmapRef& b : bitmaps) {
      actions.push_back(
          qmp::BlockDirtyBitmapRemove{.node = DiskNodeName(b.target), .name = b.name});
    }
    return Run(actions);
  }

  Status RemovePresent(const std::vector<BitmapRef>& bitmaps) override {
    if (bitmaps.empty()) return {};
    // A transaction is all or nothing: when it fails, nothing was removed.
    Status all = Remove(bitmaps);
    if (all) return all;
    Result<std::vector<DiskBitmapView>> views = Query();
    if (!views) return all;
    const std::vector<BitmapRef> present = PresentBitmaps(*views, bitmaps);
    if (present.size() == bitmaps.size()) return all;  // not a missing bitmap: QEMU's error
    return Remove(present);
  }

  Result<std::vector<std::uint64_t>> DirtyBytes(const std::vector<BitmapRef>& bitmaps,
                                                const std::vector<DiskBitmapView>& views) override {
    // One bitmap per checkpoint and disk, and no backing chains to merge across: QEMU's own
    // dirty count of that bitmap is the answer, already in the caller's query.
    std::vector<std::uint64_t> out;
    for (const BitmapRef& b : bitmaps) {
      std::uint64_t bytes = 0;
      for (const DiskBitmapView& v : views) {
        if (v.target != b.target) continue;
        if (const qmp::DirtyBitmapInfo* s = v.Find(b.name)) bytes = s->count;
      }
      out.push_back(bytes);
    }
    return out;
  }

 private:
  Status Run(const std::vector<qmp::TransactionAction>& actions) {
    if (actions.empty()) return {};
    Result<qmp::QmpClient*> qmp = monitor_.Get();
    if (!qmp) return std::unexpected(qmp.error());
    return qmp::Transaction(**qmp, actions);
  }

  conf::DomainDef def_;
  LentMonitor& monitor_;
};

}  // namespace

std::unique_ptr<DiskBitmaps> OnlineBitmaps(const conf::DomainDef& def, LentMonitor& monitor) {
  return std::make_unique<OnlineDiskBitmaps>(def, monitor);
}

}  // namespace cairn::drivers::qemu
