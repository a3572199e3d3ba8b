#include "ocbuild/export/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/core/xattrs.h"
#include "source_entries.h"

namespace ocbuild::exporter {
namespace {

constexpr size_t kReadBuffer = 1 << 20;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

// libarchive calls back into C++: exceptions are parked here, never thrown
// through C frames, and rethrown once libarchive returns.
struct Sink {
  CompressingBlobWriter* blob;
  std::exception_ptr error;
};

la_ssize_t sink_write(archive*, void* client, const void* buf, size_t size) {
  auto* sink = static_cast<Sink*>(client);
  try {
    sink->blob->write(buf, size);
    return static_cast<la_ssize_t>(size);
  } catch (...) {
    sink->error = std::current_exception();
    return -1;
  }
}

std::string read_link(const std::string& path) {
  std::string target(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) throw Error::io("readlink " + path, errno);
  target.resize(static_cast<size_t>(n));
  return target;
}

class TarWriter {
 public:
  TarWriter(CompressingBlobWriter& blob, const LayerWriteOptions& options)
      : sink_{&blob, nullptr}, options_(options), a_(archive_write_new()), buf_(kReadBuffer) {
    if (!a_) throw Error(ErrorCode::Internal, "libarchive: cannot allocate a writer");
    check(archive_write_set_format_pax(a_.get()), "set pax format");
    check(archive_write_set_format_option(a_.get(), "pax", "xattrheader", "SCHILY"), "set xattrheader");
    // Unblocked output: no padding after the two zero blocks, like Go's tar.
    check(archive_write_set_bytes_per_block(a_.get(), 0), "set block size");
    check(archive_write_open2(a_.get(), &sink_, nullptr, sink_write, nullptr, nullptr), "open");
  }

  void add(const SourceEntry& e) {
    EntryPtr entry(archive_entry_new());
    if (e.kind == SourceEntry::Kind::Whiteout) {
      fill_whiteout(entry.get(), e);
      check(archive_write_header(a_.get(), entry.get()), "write header for " + e.path);
      return;
    }
    bool hardlink = fill_from_disk(entry.get(), e);
    check(archive_write_header(a_.get(), entry.get()), "write header for " + e.path);
    if (!hardlink && S_ISREG(e.st.st_mode) && e.st.st_size > 0) copy_data(e);
  }

  void close() {
    check(archive_write_close(a_.get()), "close");
  }

 private:
  int64_t clamp(int64_t t) const {
    if (options_.source_date_epoch && t > *options_.source_date_epoch) return *options_.source_date_epoch;
    return t;
  }

  void fill_whiteout(archive_entry* entry, const SourceEntry& e) {
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0);
    archive_entry_set_size(entry, 0);
    archive_entry_set_mtime(entry, options_.source_date_epoch.value_or(0), 0);
  }

  // The COPY owners first, then an owner the snapshotter had to keep in an
  // xattr (core/xattrs.h), then the one on disk.
  std::pair<uint32_t, uint32_t> owner_of(const SourceEntry& e) const {
    if (options_.owners) {
      if (auto it = options_.owners->find(e.path); it != options_.owners->end()) return it->second;
    }
    if (auto kept = read_kept_owner(e.abs_path, e.st.st_uid, e.st.st_gid)) return *kept;
    uid_t self = ::geteuid();
    if (options_.owners && self != 0 && e.st.st_uid == self) return {0, 0};
    return {e.st.st_uid, e.st.st_gid};
  }

  // Returns true when the entry became a hard link to an earlier entry.
  bool fill_from_disk(archive_entry* entry, const SourceEntry& e) {
    const struct stat& st = e.st;
    std::string name = S_ISDIR(st.st_mode) ? e.path + "/" : e.path;
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_mode(entry, st.st_mode);
    auto [uid, gid] = owner_of(e);
    archive_entry_set_uid(entry, uid);
    archive_entry_set_gid(entry, gid);
    archive_entry_set_mtime(entry, clamp(st.st_mtim.tv_sec), 0);
    for (const auto& [k, v] : read_image_xattrs(e.abs_path))
      archive_entry_xattr_add_entry(entry, k.c_str(), v.data(), v.size());
    if (S_ISLNK(st.st_mode)) archive_entry_set_symlink(entry, read_link(e.abs_path).c_str());
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) archive_entry_set_rdev(entry, st.st_rdev);
    archive_entry_set_size(entry, S_ISREG(st.st_mode) ? st.st_size : 0);
    if (S_ISDIR(st.st_mode) || st.st_nlink < 2) return false;
    auto key = std::make_pair(st.st_dev, st.st_ino);
    auto [it, inserted] = links_.emplace(key, e.path);
    if (inserted) return false;
    archive_entry_set_hardlink(entry, it->second.c_str());
    archive_entry_set_size(entry, 0);
    return true;
  }

  void copy_data(const SourceEntry& e) {
    const std::string* elsewhere = nullptr;
    if (options_.data_from)
      if (auto it = options_.data_from->find(e.path); it != options_.data_from->end()) elsewhere = &it->second;
    UniqueFd fd(elsewhere ? ::open(elsewhere->c_str(), O_RDONLY | O_CLOEXEC)
                          : ::open(e.abs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw Error::io("open " + (elsewhere ? *elsewhere : e.abs_path), errno);
    // Large files not yet cached get a bigger read-ahead; a hint only.
    if (e.st.st_size > static_cast<off_t>(kReadBuffer)) ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    int64_t left = e.st.st_size;
    while (left > 0) {
      size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(buf_.size())));
      ssize_t n = read_retry(fd.get(), buf_.data(), want);
      if (n < 0) throw Error::io("read " + e.abs_path, errno);
      if (n == 0) throw Error(ErrorCode::Io, "file " + e.abs_path + " shrank while writing the layer");
      if (archive_write_data(a_.get(), buf_.data(), static_cast<size_t>(n)) != n)
        fail("write data for " + e.path);
      left -= n;
    }
  }

  void check(int rc, const std::string& what) {
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) fail(what);
  }

  [[noreturn]] void fail(const std::string& what) {
    if (sink_.error) std::rethrow_exception(sink_.error);
    const char* msg = archive_error_string(a_.get());
    throw Error(ErrorCode::Io, "layer tar: " + what + ": " + (msg ? msg : "unknown libarchive error"));
  }

  Sink sink_;
  LayerWriteOptions options_;
  ArchivePtr a_;
  std::vector<char> buf_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

Layer write_entries(const std::vector<SourceEntry>& entries, const LayerWriteOptions& options, int out_fd) {
  CompressingBlobWriter blob(out_fd, options.compression);
  TarWriter tar(blob, options);
  for (const auto& e : entries) tar.add(e);
  tar.close();
  BlobResult r = blob.finish();
  Layer layer;
  layer.blob.media_type = layer_media_type(options.compression.compression);
  layer.blob.digest = r.digest;
  layer.blob.size = r.size;
  layer.diff_id = r.diff_id;
  layer.uncompressed_size = r.uncompressed_size;
  return layer;
}

Layer write_entries_to_path(const std::vector<SourceEntry>& entries, const LayerWriteOptions& options,
                            const std::string& out_path) {
  AtomicFile file(out_path, 0644);
  Layer layer = write_entries(entries, options, file.fd());
  file.commit();
  return layer;
}

}  // namespace

Layer write_layer_from_dir(const std::string& dir, const LayerWriteOptions& options, int out_fd) {
  return write_entries(collect_tree(dir), options, out_fd);
}

Layer write_layer_from_dir(const std::string& dir, const LayerWriteOptions& options, const std::string& out_path) {
  return write_entries_to_path(collect_tree(dir), options, out_path);
}

Layer write_layer_from_changes(const ChangeSet& changes, const LayerWriteOptions& options, int out_fd) {
  return write_entries(collect_changes(changes), options, out_fd);
}

Layer write_layer_from_changes(const ChangeSet& changes, const LayerWriteOptions& options,
                               const std::string& out_path) {
  return write_entries_to_path(collect_changes(changes), options, out_path);
}

}  // namespace ocbuild::exporter
