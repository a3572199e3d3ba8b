#include "ocbuild/export/blob_writer.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <thread>
#include <vector>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::exporter {
namespace {

constexpr size_t kOutBuffer = 1 << 20;

struct ZstdDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

int default_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

struct BlobWriter::Impl {
  int fd;
  CompressionOptions options;
  Hasher raw_hash;
  Hasher out_hash;
  int64_t raw_size = 0;
  int64_t out_size = 0;
  std::vector<unsigned char> out;
  z_stream zs{};
  bool zs_live = false;
  std::unique_ptr<ZSTD_CCtx, ZstdDeleter> zstd;

  void emit(const void* data, size_t size) {
    if (size == 0) return;
    // Uncompressed blobs are hashed once: their digest is the diff_id.
    if (options.compression != Compression::None) out_hash.update(data, size);
    out_size += static_cast<int64_t>(size);
    write_all(fd, data, size, "layer blob");
  }

  void init_gzip() {
    int level = options.level > 0 ? options.level : 6;
    // windowBits 15 + 16 writes a gzip wrapper whose header has no name and
    // mtime 0, so the bytes depend on the input only.
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw Error(ErrorCode::Internal, "gzip: deflateInit2 failed");
    zs_live = true;
  }

  void init_zstd() {
    zstd.reset(ZSTD_createCCtx());
    if (!zstd) throw Error(ErrorCode::Internal, "zstd: cannot create context");
    int level = options.level > 0 ? options.level : 3;
    int workers = options.zstd_workers > 0 ? options.zstd_workers : default_workers();
    ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_checksumFlag, 1);
    // nbWorkers >= 1 always: zstd guarantees identical output for any worker
    // count >= 1, but single-threaded mode (0) frames differently.
    size_t r = ZSTD_CCtx_setParameter(zstd.get(), ZSTD_c_nbWorkers, workers);
    if (ZSTD_isError(r)) throw Error(ErrorCode::Internal, "zstd: multi-threading unavailable");
  }

  void gzip(const void* data, size_t size, int flush) {
    zs.next_in = static_cast<Bytef*>(const_cast<void*>(data));
    zs.avail_in = static_cast<uInt>(size);
    for (;;) {
      zs.next_out = out.data();
      zs.avail_out = static_cast<uInt>(out.size());
      int rc = deflate(&zs, flush);
      if (rc == Z_STREAM_ERROR) throw Error(ErrorCode::Internal, "gzip: deflate failed");
      emit(out.data(), out.size() - zs.avail_out);
      if (flush == Z_FINISH ? rc == Z_STREAM_END : zs.avail_in == 0 && zs.avail_out != 0) break;
    }
  }

  void zstd_stream(const void* data, size_t size, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data, size, 0};
    for (;;) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      size_t left = ZSTD_compressStream2(zstd.get(), &ob, &in, mode);
      if (ZSTD_isError(left))
        throw Error(ErrorCode::Internal, std::string("zstd: ") + ZSTD_getErrorName(left));
      emit(out.data(), ob.pos);
      bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
      if (done) break;
    }
  }
};

BlobWriter::BlobWriter(int fd, const CompressionOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->fd = fd;
  impl_->options = options;
  if (options.compression != Compression::None) impl_->out.resize(kOutBuffer);
  if (options.compression == Compression::Gzip) impl_->init_gzip();
  if (options.compression == Compression::Zstd) impl_->init_zstd();
}

BlobWriter::~BlobWriter() {
  if (impl_ && impl_->zs_live) deflateEnd(&impl_->zs);
}

void BlobWriter::write(const void* data, size_t size) {
  if (size == 0) return;
  impl_->raw_hash.update(data, size);
  impl_->raw_size += static_cast<int64_t>(size);
  switch (impl_->options.compression) {
    case Compression::None: impl_->emit(data, size); break;
    case Compression::Gzip: impl_->gzip(data, size, Z_NO_FLUSH); break;
    case Compression::Zstd: impl_->zstd_stream(data, size, ZSTD_e_continue); break;
  }
}

BlobResult BlobWriter::finish() {
  if (impl_->options.compression == Compression::Gzip) impl_->gzip(nullptr, 0, Z_FINISH);
  if (impl_->options.compression == Compression::Zstd) impl_->zstd_stream(nullptr, 0, ZSTD_e_end);
  BlobResult r;
  r.diff_id = impl_->raw_hash.finish();
  r.uncompressed_size = impl_->raw_size;
  r.digest = impl_->options.compression == Compression::None ? r.diff_id : impl_->out_hash.finish();
  r.size = impl_->out_size;
  return r;
}

}  // namespace ocbuild::exporter
