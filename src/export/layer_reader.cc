#include "ocbuild/export/layer_reader.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <vector>

#include "ocbuild/core/error.h"
#include "tar_reader.h"

namespace ocbuild::exporter {
namespace {

EntryType type_of(archive_entry* e) {
  if (archive_entry_hardlink(e)) return EntryType::Hardlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG: return EntryType::File;
    case AE_IFDIR: return EntryType::Dir;
    case AE_IFLNK: return EntryType::Symlink;
    case AE_IFCHR: return EntryType::CharDevice;
    case AE_IFBLK: return EntryType::BlockDevice;
    case AE_IFIFO: return EntryType::Fifo;
    default: return EntryType::Other;
  }
}

Digest hash_data(archive* a, const std::string& what) {
  Hasher h;
  for_each_data_block(a, what, [&](const void* buf, size_t size, int64_t) { h.update(buf, size); });
  return h.finish();
}

LayerEntry entry_of(archive_entry* e) {
  LayerEntry out;
  out.path = normalize_entry_name(archive_entry_pathname(e));
  out.type = type_of(e);
  out.mode = archive_entry_perm(e) & 07777;
  out.uid = archive_entry_uid(e);
  out.gid = archive_entry_gid(e);
  out.mtime = archive_entry_mtime(e);
  out.size = archive_entry_size(e);
  if (const char* l = archive_entry_hardlink(e)) out.link_target = normalize_entry_name(l);
  if (const char* s = archive_entry_symlink(e)) out.link_target = s;
  if (out.type == EntryType::CharDevice || out.type == EntryType::BlockDevice) {
    out.dev_major = archive_entry_rdevmajor(e);
    out.dev_minor = archive_entry_rdevminor(e);
  }
  archive_entry_xattr_reset(e);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
    out.xattrs[name] = std::string(static_cast<const char*>(value), size);
  auto slash = out.path.rfind('/');
  std::string base = slash == std::string::npos ? out.path : out.path.substr(slash + 1);
  out.whiteout = base.rfind(".wh.", 0) == 0;
  return out;
}

}  // namespace

const char* to_string(EntryType type) {
  switch (type) {
    case EntryType::File: return "file";
    case EntryType::Dir: return "directory";
    case EntryType::Symlink: return "symlink";
    case EntryType::Hardlink: return "hard link";
    case EntryType::CharDevice: return "character device";
    case EntryType::BlockDevice: return "block device";
    case EntryType::Fifo: return "fifo";
    case EntryType::Other: return "other";
  }
  return "other";
}

std::vector<LayerEntry> read_layer_entries(const std::string& path) {
  ArchiveReader a = open_layer_reader(path);
  std::vector<LayerEntry> out;
  while (archive_entry* e = next_layer_entry(a.get(), "layer " + path)) {
    LayerEntry entry = entry_of(e);
    if (entry.type == EntryType::File) entry.content = hash_data(a.get(), "layer " + path + ", " + entry.path);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ocbuild::exporter
