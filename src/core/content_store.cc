// ContentStore: the blob half (layout creation, lookup, ingest). Tags and
// garbage collection are in content_store_tags.cc.
//
// On-disk format: an OCI image layout, imageLayoutVersion 1.0.0, plus
// ROOT/ingest (temp files) and ROOT/index.lock (the tag lock). The layout is
// the versioned contract; nothing else is persisted.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/lease.h"
#include "ocbuild/core/paths.h"

namespace ocbuild {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void check_algorithm(const Digest& d) {
  if (d.algorithm() != "sha256") throw Error(ErrorCode::Invalid, "unsupported digest algorithm: " + d.str());
}

}  // namespace

ContentStore::ContentStore(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  make_dirs(root_ + "/blobs/sha256");
  make_dirs(root_ + "/ingest");
  if (exists(root_ + "/oci-layout") && exists(root_ + "/index.json")) return;
  FileLock lock(root_ + "/index.lock");
  if (!exists(root_ + "/oci-layout"))
    write_file_atomic(root_ + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  if (!exists(root_ + "/index.json")) write_file_atomic(root_ + "/index.json", to_json_bytes(Index{}));
}

std::string ContentStore::blob_path(const Digest& d) const {
  check_algorithm(d);
  return root_ + "/blobs/sha256/" + d.hex();
}

bool ContentStore::has(const Digest& d) const { return exists(blob_path(d)); }

bool ContentStore::hold(const Digest& d) const {
  return ocbuild::hold(lease_.get(), LeaseKind::Blob, d.hex(), [&] { return has(d); });
}

std::optional<int64_t> ContentStore::blob_size(const Digest& d) const {
  struct stat st;
  if (::stat(blob_path(d).c_str(), &st) != 0) return std::nullopt;
  return static_cast<int64_t>(st.st_size);
}

UniqueFd ContentStore::open(const Digest& d) const {
  std::string path = blob_path(d);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) throw Error(ErrorCode::NotFound, "blob " + d.str() + " not found in " + root_);
    throw Error::io("open " + path, err);
  }
  return UniqueFd(fd);
}

std::string ContentStore::read(const Digest& d) const {
  if (!has(d)) throw Error(ErrorCode::NotFound, "blob " + d.str() + " not found in " + root_);
  return read_file(blob_path(d));
}

BlobWriter ContentStore::writer() const {
  std::string tmpl = root_ + "/ingest/blob-XXXXXX";
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) throw Error::io("create temp blob in " + root_ + "/ingest", errno);
  return BlobWriter(root_ + "/blobs/sha256", tmpl, UniqueFd(fd), lease_);
}

Digest ContentStore::ingest_bytes(std::string_view bytes, const std::optional<Digest>& expected) {
  // A blob is renamed into place only once verified, so one already there
  // under this digest is these bytes: no rewrite, no fsync (no-op rebuilds).
  Digest digest = Digest::of(bytes);
  auto present = [&] { return blob_size(digest) == static_cast<int64_t>(bytes.size()); };
  if ((!expected || *expected == digest) && ocbuild::hold(lease_.get(), LeaseKind::Blob, digest.hex(), present))
    return digest;
  BlobWriter w = writer();
  w.write(bytes);
  return w.commit(expected);
}

Digest ContentStore::ingest_fd(int fd, const std::optional<Digest>& expected, int64_t expected_size) {
  BlobWriter w = writer();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read_retry(fd, buf, sizeof buf);
    if (n < 0) throw Error::io("read blob source", errno);
    if (n == 0) break;
    w.write(buf, static_cast<size_t>(n));
  }
  return w.commit(expected, expected_size);
}

Digest ContentStore::ingest_file(const std::string& path, const std::optional<Digest>& expected,
                                 int64_t expected_size) {
  UniqueFd fd = open_readonly(path);
  try {
    return ingest_fd(fd.get(), expected, expected_size);
  } catch (Error& e) {
    e.add_context("ingesting " + path);
    throw;
  }
}

Descriptor ContentStore::put_manifest(const Manifest& m) {
  std::string bytes = to_json_bytes(m);
  return Descriptor{m.media_type.empty() ? media_type::kOciManifest : m.media_type, ingest_bytes(bytes),
                    static_cast<int64_t>(bytes.size()), {}, {}, std::nullopt};
}

Descriptor ContentStore::put_index(const Index& idx) {
  std::string bytes = to_json_bytes(idx);
  return Descriptor{idx.media_type.empty() ? media_type::kOciIndex : idx.media_type, ingest_bytes(bytes),
                    static_cast<int64_t>(bytes.size()), {}, {}, std::nullopt};
}

Descriptor ContentStore::put_config(const ImageConfig& c) {
  std::string bytes = to_json_bytes(c);
  return Descriptor{media_type::kOciConfig, ingest_bytes(bytes), static_cast<int64_t>(bytes.size()), {}, {},
                    std::nullopt};
}

}  // namespace ocbuild
