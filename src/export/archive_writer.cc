#include "archive_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <set>

#include "blob_stream.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::exporter {
namespace {

struct ArchiveWriteFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

std::string parent_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

int64_t entry_size(const ArchiveEntry& e) {
  if (e.path.empty()) return static_cast<int64_t>(e.bytes.size());
  if (e.decompress) return e.size;
  struct stat st;
  if (::stat(e.path.c_str(), &st) != 0) throw Error::io("stat " + e.path, errno);
  return static_cast<int64_t>(st.st_size);
}

// Calls fn with the entry's content in chunks.
void stream_entry(const ArchiveEntry& e, const ChunkFn& fn) {
  if (e.path.empty()) {
    fn(e.bytes.data(), e.bytes.size());
  } else if (e.decompress) {
    stream_decompressed(e.path, fn);
  } else {
    UniqueFd fd = open_readonly(e.path);
    char buf[1 << 16];
    for (;;) {
      ssize_t n = read_retry(fd.get(), buf, sizeof buf);
      if (n < 0) throw Error::io("read " + e.path, errno);
      if (n == 0) break;
      fn(buf, static_cast<size_t>(n));
    }
  }
}

class TarOut {
 public:
  TarOut(int fd, const std::string& what) : a_(archive_write_new()), what_(what) {
    archive_write_set_format_pax_restricted(a_.get());
    archive_write_add_filter_none(a_.get());
    if (archive_write_open_fd(a_.get(), fd) != ARCHIVE_OK) fail();
  }
  void add(const std::string& name, bool dir, int64_t size, const ArchiveEntry* src) {
    std::unique_ptr<struct archive_entry, EntryFree> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), dir ? (name + "/").c_str() : name.c_str());
    archive_entry_set_filetype(e.get(), dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e.get(), dir ? 0755 : 0644);
    archive_entry_set_size(e.get(), dir ? 0 : size);
    archive_entry_set_mtime(e.get(), 0, 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) fail();
    if (dir) return;
    int64_t written = 0;
    stream_entry(*src, [&](const void* p, size_t n) {
      if (archive_write_data(a_.get(), p, n) < 0) fail();
      written += static_cast<int64_t>(n);
    });
    if (written != size)
      throw Error(ErrorCode::Io, what_ + ": " + name + " changed size while writing (" + std::to_string(written) +
                                     " != " + std::to_string(size) + ")");
  }
  void close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) fail();
  }

 private:
  [[noreturn]] void fail() {
    const char* msg = archive_error_string(a_.get());
    throw Error(ErrorCode::Io, "writing " + what_ + ": " + (msg ? msg : "libarchive error"));
  }
  std::unique_ptr<struct archive, ArchiveWriteFree> a_;
  std::string what_;
};

}  // namespace

void write_tar(std::vector<ArchiveEntry> entries, const std::string& out_path) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::set<std::string> dirs;
  for (const auto& e : entries)
    for (std::string p = parent_of(e.name); !p.empty(); p = parent_of(p)) dirs.insert(p);
  // One sorted stream of directories and files: "blobs" < "blobs/sha256" < "blobs/sha256/<hex>".
  std::vector<std::pair<std::string, const ArchiveEntry*>> all;
  for (const auto& d : dirs) all.emplace_back(d, nullptr);
  for (const auto& e : entries) all.emplace_back(e.name, &e);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  AtomicFile out(out_path, 0644);
  TarOut tar(out.fd(), out_path);
  for (const auto& [name, e] : all) tar.add(name, e == nullptr, e ? entry_size(*e) : 0, e);
  tar.close();
  out.commit();
}

void write_tree(const std::vector<ArchiveEntry>& entries, const std::string& out_dir) {
  std::string parent = parent_of(out_dir);
  if (!parent.empty()) make_dirs(parent);
  if (::rmdir(out_dir.c_str()) != 0 && errno != ENOENT)
    throw Error::io("output directory " + out_dir + " exists and is not empty", errno);
  TempDir tmp(".ocbuild-save-", parent.empty() ? "." : parent);
  for (const auto& e : entries) {
    std::string dst = tmp.path() + "/" + e.name;
    std::string dir = parent_of(dst);
    make_dirs(dir);
    AtomicFile f(dst, 0644);
    stream_entry(e, [&](const void* p, size_t n) { write_all(f.fd(), p, n, dst); });
    f.commit();
  }
  ::chmod(tmp.path().c_str(), 0755);
  if (::rename(tmp.path().c_str(), out_dir.c_str()) != 0) throw Error::io("rename to " + out_dir, errno);
  tmp.release();
  fsync_dir(parent.empty() ? "." : parent);
}

}  // namespace ocbuild::exporter
