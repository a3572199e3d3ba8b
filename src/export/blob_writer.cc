#include "ocbuild/export/blob_writer.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "chunk_pipe.h"

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::exporter {
namespace {

constexpr size_t kOutBuffer = 1 << 20;
// Hashing, compression and the writes run on their own thread, fed in 4 MiB
// chunks: the tar side (file reads, libarchive) never waits on the compressor
// and the compressor never waits on a file read. The diff_id hash runs on
// that thread too: that thread mostly waits for zstd's workers, while the tar side
// is the one that starves them when it falls behind (measured with
// temporary timers on a 256 MB bench tree: the consumer's wait for input fell
// from ~25% of the run to ~3%).
constexpr size_t kChunk = 4 << 20;
constexpr size_t kChunks = 4;

struct ZstdDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

int default_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

struct CompressingBlobWriter::Impl {
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
  // The compressing thread and what it shares with the producer.
  std::unique_ptr<ChunkPipe> pipe;
  ChunkPipe::Chunk current;
  std::thread worker;
  std::atomic<bool> failed{false};
  std::exception_ptr error;  // written by the worker before `failed`

  // Uncompressed chunks (4 MiB but the last) are written as they are.
  void compress(const void* data, size_t size) {
    if (options.compression == Compression::None) emit(data, size);
    if (options.compression == Compression::Gzip) gzip(data, size, Z_NO_FLUSH);
    if (options.compression == Compression::Zstd) zstd_stream(data, size, ZSTD_e_continue);
  }

  void run_worker() {
    while (auto chunk = pipe->pop_full()) {
      // After a failure keep draining, so the producer never blocks forever.
      if (!failed.load(std::memory_order_acquire)) {
        try {
          raw_hash.update(chunk->data(), chunk->size());
          compress(chunk->data(), chunk->size());
        } catch (...) {
          error = std::current_exception();
          failed.store(true, std::memory_order_release);
        }
      }
      pipe->give_back(std::move(*chunk));
    }
  }

  void start_worker() {
    pipe = std::make_unique<ChunkPipe>(kChunks, kChunk);
    current = pipe->take_free();
    worker = std::thread([this] { run_worker(); });
  }

  void stop_worker() {
    if (!worker.joinable()) return;
    if (!current.empty()) pipe->push_full(std::move(current));
    pipe->close();
    worker.join();
  }

  void queue(const char* data, size_t size) {
    while (size > 0) {
      size_t n = std::min(size, kChunk - current.size());
      current.insert(current.end(), data, data + n);
      data += n;
      size -= n;
      if (current.size() == kChunk) {
        pipe->push_full(std::move(current));
        current = pipe->take_free();
      }
    }
  }

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

CompressingBlobWriter::CompressingBlobWriter(int fd, const CompressionOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->fd = fd;
  impl_->options = options;
  if (options.compression != Compression::None) impl_->out.resize(kOutBuffer);
  if (options.compression == Compression::Gzip) impl_->init_gzip();
  if (options.compression == Compression::Zstd) impl_->init_zstd();
  impl_->start_worker();
}

CompressingBlobWriter::~CompressingBlobWriter() {
  if (!impl_) return;
  impl_->stop_worker();
  if (impl_->zs_live) deflateEnd(&impl_->zs);
}

void CompressingBlobWriter::write(const void* data, size_t size) {
  if (size == 0) return;
  impl_->raw_size += static_cast<int64_t>(size);
  if (impl_->failed.load(std::memory_order_acquire)) std::rethrow_exception(impl_->error);
  impl_->queue(static_cast<const char*>(data), size);
}

BlobResult CompressingBlobWriter::finish() {
  impl_->stop_worker();
  if (impl_->failed.load(std::memory_order_acquire)) std::rethrow_exception(impl_->error);
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
