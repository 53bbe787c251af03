// nbdkit-cairn-plugin: one disk of one backup in a cairn-backup repository, served read-only
// by nbdkit (`cairn-backup serve` runs it). Zero slots are reported as holes that read as
// zeros (base:allocation), so qemu-img, nbdcopy and a qcow2 overlay see a thin disk.
//   nbdkit ... nbdkit-cairn-plugin.so repo=DIR index=OBJECT digest=HEX [key=KEYFILE]
// Every chunk read is checked against its id and its slot's size, and the index against the manifest's digest
// at start-up. Thread model: parallel (the repository and the index are read-only here).
#define NBDKIT_API_VERSION 2
#define THREAD_MODEL NBDKIT_THREAD_MODEL_PARALLEL
#include <nbdkit-plugin.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "repo/disk_index.hpp"
#include "repo/repository.hpp"

namespace {

using cairn::repo::DiskIndex;
using cairn::repo::Repository;

struct Served {
  std::string repo_dir, index_name, digest, key_file;
  std::optional<Repository> repository;
  std::optional<DiskIndex> index;
};
Served served;

int Config(const char* key, const char* value) {
  const std::string k(key);
  if (k == "repo") {
    served.repo_dir = value;
  } else if (k == "index") {
    served.index_name = value;
  } else if (k == "digest") {
    served.digest = value;
  } else if (k == "key") {
    served.key_file = value;
  } else {
    nbdkit_error("unknown parameter '%s'", key);
    return -1;
  }
  return 0;
}

int ConfigComplete() {
  if (served.repo_dir.empty() || served.index_name.empty() || served.digest.empty()) {
    nbdkit_error("repo=, index= and digest= are required");
    return -1;
  }
  std::optional<cairn::repo::RepositoryKey> key;
  if (!served.key_file.empty()) {
    auto k = cairn::repo::RepositoryKey::Load(served.key_file, false);
    if (!k) {
      nbdkit_error("%s", k.error().Text().c_str());
      return -1;
    }
    key = std::move(*k);
  }
  auto repo = Repository::OpenDirectory(served.repo_dir, std::move(key));
  if (!repo) {
    nbdkit_error("%s", repo.error().Text().c_str());
    return -1;
  }
  served.repository.emplace(std::move(*repo));
  auto index = served.repository->GetIndex(served.index_name);
  if (!index) {
    nbdkit_error("%s", index.error().Text().c_str());
    return -1;
  }
  if (cairn::repo::DiskDigest(*index) != served.digest) {
    nbdkit_error("disk index '%s' does not match its manifest's digest", served.index_name.c_str());
    return -1;
  }
  served.index.emplace(std::move(*index));
  return 0;
}

void* Open(int) { return &served; }

int64_t GetSize(void*) { return static_cast<int64_t>(served.index->disk_size()); }

int Pread(void*, void* buf, uint32_t count, uint64_t offset, uint32_t) {
  const DiskIndex& index = *served.index;
  auto* out = static_cast<char*>(buf);
  while (count > 0) {
    const std::size_t slot = offset / index.chunk_size();
    const uint64_t within = offset % index.chunk_size();
    const uint32_t n =
        static_cast<uint32_t>(std::min<uint64_t>(count, index.SlotBytes(slot) - within));
    if (!index.slot(slot)) {
      std::memset(out, 0, n);
    } else {
      auto data = served.repository->GetChunk(*index.slot(slot));
      if (!data) {
        nbdkit_error("%s", data.error().detail().c_str());
        errno = EIO;
        return -1;
      }
      if (data->size() != index.SlotBytes(slot)) {  // an index naming the wrong chunk
        nbdkit_error("chunk '%s' holds %zu bytes where slot %zu needs %u",
                     cairn::repo::Hex(*index.slot(slot)).c_str(), data->size(), slot,
                     index.SlotBytes(slot));
        errno = EIO;
        return -1;
      }
      std::memcpy(out, data->data() + within, n);
    }
    out += n;
    offset += n;
    count -= n;
  }
  return 0;
}

int CanExtents(void*) { return 1; }
int CanMultiConn(void*) { return 1; }  // read-only: every connection sees the same bytes

int Extents(void*, uint32_t count, uint64_t offset, uint32_t, struct nbdkit_extents* extents) {
  const DiskIndex& index = *served.index;
  const uint64_t end = std::min<uint64_t>(offset + count, index.disk_size());
  while (offset < end) {
    const std::size_t slot = offset / index.chunk_size();
    const uint64_t slot_end = uint64_t(slot) * index.chunk_size() + index.SlotBytes(slot);
    const uint32_t type = index.slot(slot) ? 0 : (NBDKIT_EXTENT_HOLE | NBDKIT_EXTENT_ZERO);
    if (nbdkit_add_extent(extents, offset, slot_end - offset, type) == -1) return -1;
    offset = slot_end;
  }
  return 0;
}

nbdkit_plugin MakePlugin() {
  nbdkit_plugin p{};
  p.name = "cairn";
  p.longname = "cairn-backup repository";
  p.version = "1";
  p.description = "one disk of one cairn-backup backup, read-only";
  p.config = Config;
  p.config_complete = ConfigComplete;
  p.config_help = "repo=DIR index=OBJECT digest=HEX [key=KEYFILE]";
  p.open = Open;
  p.get_size = GetSize;
  p.pread = Pread;
  p.can_extents = CanExtents;
  p.extents = Extents;
  p.can_multi_conn = CanMultiConn;
  p.errno_is_preserved = 1;
  return p;
}

nbdkit_plugin plugin = MakePlugin();

}  // namespace

NBDKIT_REGISTER_PLUGIN(plugin)
