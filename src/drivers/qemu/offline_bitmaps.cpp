// DiskBitmaps on the image files of a shut-off domain: qemu-img for the bitmaps themselves,
// a read-only qemu-storage-daemon for their dirty counts.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drivers/qemu/disk_bitmaps.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;

// qemu-img SUBCOMMAND ARGS...: its output, or its failure in its own words.
Result<std::string> QemuImg(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"qemu-img"};
  argv.insert(argv.end(), args.begin(), args.end());
  return util::RunProgram(argv, kErr, "qemu-img " + args.front());
}

class OfflineDiskBitmaps : public DiskBitmaps {
 public:
  explicit OfflineDiskBitmaps(const conf::DomainDef& def) {
    for (const conf::DomainDiskDef& d : def.disks()) {
      if (d.format == "qcow2" && !d.empty()) disks_.push_back({d.target, "", d.source, {}});
    }
  }

  Result<std::vector<DiskBitmapView>> Query() override {
    std::vector<DiskBitmapView> out = disks_;
    for (DiskBitmapView& disk : out) {
      // -U: a stale lock must not stop us from reading what the image holds.
      Result<std::string> text = QemuImg({"info", "--output=json", "-U", disk.image});
      if (!text) return std::unexpected(text.error());
      nlohmann::json info = nlohmann::json::parse(*text, nullptr, false);
      if (info.is_discarded()) {
        return Fail(ErrorCode::kInternalError, kErr,
                    fmt::format("cannot parse qemu-img info of '{}'", disk.image));
      }
      const nlohmann::json* bitmaps = nullptr;
      if (auto fs = info.find("format-specific"); fs != info.end()) {
        if (auto data = fs->find("data"); data != fs->end()) {
          if (auto b = data->find("bitmaps"); b != data->end()) bitmaps = &*b;
        }
      }
      if (bitmaps == nullptr) continue;
      for (const nlohmann::json& b : *bitmaps) {
        qmp::DirtyBitmapInfo s;
        s.name = b.value("name", "");
        s.granularity = b.value("granularity", 0ull);
        s.persistent = true;  // all qemu-img sees is stored in the image
        for (const nlohmann::json& f : b.value("flags", nlohmann::json::array())) {
          if (f == "auto") s.recording = true;
          if (f == "in-use") s.inconsistent = true;
        }
        disk.bitmaps.push_back(std::move(s));
      }
    }
    return out;
  }

  Status Add(const std::vector<BitmapRef>& bitmaps) override {
    std::vector<BitmapRef> done;
    for (const BitmapRef& b : bitmaps) {
      const DiskBitmapView* disk = FindDisk(b.target);
      if (disk == nullptr) return NoDisk(b.target);
      Result<std::string> r = QemuImg({"bitmap", "--add", "--enable", disk->image, b.name});
      if (!r) {
        (void)Remove(done);  // all disks or none
        return std::unexpected(r.error());
      }
      done.push_back(b);
    }
    return {};
  }

  Status Remove(const std::vector<BitmapRef>& bitmaps) override {
    for (const BitmapRef& b : bitmaps) {
      const DiskBitmapView* disk = FindDisk(b.target);
      if (disk == nullptr) return NoDisk(b.target);
      Result<std::string> r = QemuImg({"bitmap", "--remove", disk->image, b.name});
      if (!r) return std::unexpected(r.error());
    }
    return {};
  }

  Result<std::vector<std::uint64_t>> DirtyBytes(const std::vector<BitmapRef>& bitmaps,
                                                const std::vector<DiskBitmapView>&) override {
    // qemu-img does not report dirty counts; a read-only qemu-storage-daemon opening the
    // images does, through the same QMP query a running QEMU answers.
    std::vector<std::uint64_t> out(bitmaps.size(), 0);
    if (bitmaps.empty()) return out;
    Result<util::TempDir> tmp = util::TempDir::Create("cairn-qsd");
    if (!tmp) return std::unexpected(tmp.error());
    const std::filesystem::path sock = tmp->path() / "qmp.sock";
    std::vector<std::string> argv = {"qemu-storage-daemon"};
    for (const DiskBitmapView& d : disks_) {
      argv.push_back("--blockdev");
      argv.push_back(fmt::format("driver=file,node-name=file-{},filename={},read-only=on",
                                 d.target, d.image));
      argv.push_back("--blockdev");
      argv.push_back(fmt::format("driver=qcow2,node-name=disk-{},file=file-{},read-only=on",
                                 d.target, d.target));
    }
    argv.insert(argv.end(), {"--chardev",
                             fmt::format("socket,id=m,path={},server=on,wait=off", sock.string()),
                             "--monitor", "chardev=m"});
    util::SpawnOptions io;
    io.in = util::Redirect::Null();
    io.out = util::Redirect::Null();
    io.err = util::Redirect::Null();
    Result<util::ChildProcess> daemon = util::ChildProcess::Spawn(argv, io);
    if (!daemon) return std::unexpected(daemon.error());
    Result<qmp::QmpClient> qmp = qmp::QmpClient::Connect(sock);
    if (!qmp) return std::unexpected(qmp.error());
    Result<std::vector<qmp::BlockNodeInfo>> nodes = qmp::QueryNamedBlockNodes(*qmp);
    if (!nodes) return std::unexpected(nodes.error());
    for (std::size_t i = 0; i < bitmaps.size(); ++i) {
      for (const qmp::BlockNodeInfo& n : *nodes) {
        if (n.node_name != "disk-" + bitmaps[i].target) continue;
        for (const qmp::DirtyBitmapInfo& b : n.dirty_bitmaps) {
          if (b.name == bitmaps[i].name) out[i] = b.count;
        }
      }
    }
    (void)qmp->Execute("quit");
    (void)daemon->Wait();
    return out;
  }

 private:
  const DiskBitmapView* FindDisk(std::string_view target) const {
    for (const DiskBitmapView& d : disks_) {
      if (d.target == target) return &d;
    }
    return nullptr;
  }
  static Status NoDisk(std::string_view target) {
    return Fail(ErrorCode::kConfigUnsupported, kErr,
                fmt::format("disk '{}' has no qcow2 image to hold bitmaps", target));
  }

  std::vector<DiskBitmapView> disks_;
};

}  // namespace

std::unique_ptr<DiskBitmaps> OfflineBitmaps(const conf::DomainDef& def) {
  return std::make_unique<OfflineDiskBitmaps>(def);
}

}  // namespace cairn::drivers::qemu
