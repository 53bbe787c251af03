// DiskBitmaps of a running domain, through QMP.
#include <fmt/format.h>

#include "drivers/qemu/checkpoint_session.hpp"

namespace cairn::drivers::qemu {
namespace {

class OnlineDiskBitmaps : public DiskBitmaps {
 public:
  Result<std::vector<DiskBitmapView>> Query() override { return Unsupported(); }
  Status Add(const std::vector<BitmapRef>&) override { return std::unexpected(Unsupported().error()); }
  Status Remove(const std::vector<BitmapRef>&) override { return std::unexpected(Unsupported().error()); }
  Result<std::vector<std::uint64_t>> DirtyBytes(const std::vector<BitmapRef>&) override {
    return std::unexpected(Unsupported().error());
  }

 private:
  static std::unexpected<Error> Unsupported() {
    return Fail(ErrorCode::kOperationUnsupported, ErrorDomain::kQemu,
                "checkpoints of a running domain need the QMP client, not wired yet");
  }
};

}  // namespace

std::unique_ptr<DiskBitmaps> OnlineBitmaps(const conf::DomainDef&, const StateLayout&) {
  return std::make_unique<OnlineDiskBitmaps>();
}

}  // namespace cairn::drivers::qemu
