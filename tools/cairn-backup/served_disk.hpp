// cairn-backup/served_disk.hpp — one disk of one backup as nbdkit reads it through Cairn's
// plugin (nbdkit-cairn-plugin.so): where the plugin is, and the arguments that name the disk.
// `serve` exports it; `restore` has qemu-img convert read it.
// Thread rule: none (plain values and a lookup of this program's own path).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cairn/error.hpp"
#include "repo/backup_manifest.hpp"

namespace cairn::backup {

struct ServedDisk {
  std::filesystem::path plugin;  // nbdkit-cairn-plugin.so: InstalledPlugin()
  std::string repository_dir;
  std::string key_file;          // empty: unencrypted
  repo::DiskRecord disk;
};

// The plugin that came with this program: beside it in a build tree, under LIBDIR/cairn
// once installed. Errors: kInternalError if it is in neither place.
Result<std::filesystem::path> InstalledPlugin();

// nbdkit's arguments from the plugin on ("PLUGIN repo=DIR index=OBJECT digest=HEX [key=F]");
// nbdkit's own options go before them.
std::vector<std::string> PluginArguments(const ServedDisk& served);

}  // namespace cairn::backup
