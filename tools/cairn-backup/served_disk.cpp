#include "tools/cairn-backup/served_disk.hpp"

namespace cairn::backup {

Result<std::filesystem::path> InstalledPlugin() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const std::filesystem::path& p :
         {exe.parent_path() / "nbdkit-cairn-plugin.so",
          exe.parent_path() / CAIRN_PLUGIN_FROM_BIN / "nbdkit-cairn-plugin.so"}) {
      if (std::filesystem::exists(p, ec)) return p.lexically_normal();
    }
  }
  return Fail(ErrorCode::kInternalError, ErrorDomain::kNone,
              "nbdkit-cairn-plugin.so is not installed beside cairn-backup");
}

std::vector<std::string> PluginArguments(const ServedDisk& served) {
  std::vector<std::string> argv{served.plugin.string(), "repo=" + served.repository_dir,
                                "index=" + served.disk.index, "digest=" + served.disk.sha256};
  if (!served.key_file.empty()) argv.push_back("key=" + served.key_file);
  return argv;
}

}  // namespace cairn::backup
