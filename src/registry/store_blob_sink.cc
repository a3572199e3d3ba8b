#include "registry/store_blob_sink.h"

#include "ocbuild/core/error.h"

namespace ocbuild::registry {

StoreBlobSink::StoreBlobSink(const ContentStore& store, Descriptor expected, std::function<void(int64_t)> progress,
                             const std::atomic<bool>* cancel)
    : store_(store), expected_(std::move(expected)), progress_(std::move(progress)), cancel_(cancel) {
  writer_.emplace(store_.writer());
}

void StoreBlobSink::write(const char* data, size_t size) {
  if (cancel_ && cancel_->load())
    throw Error(ErrorCode::Registry, "download of " + expected_.digest.str() + " cancelled");
  if (!writer_) writer_.emplace(store_.writer());
  writer_->write(data, size);
  if (expected_.size > 0 && writer_->size() > expected_.size)
    throw Error(ErrorCode::Registry, "blob " + expected_.digest.str() + " is larger than its descriptor's " +
                                         std::to_string(expected_.size) + " bytes");
  if (progress_) progress_(writer_->size());
}

// Dropping the writer unlinks its temp file; a new one starts on next write.
void StoreBlobSink::reset() { writer_.reset(); }

void StoreBlobSink::commit() {
  if (!writer_) writer_.emplace(store_.writer());  // an empty blob
  try {
    writer_->commit(expected_.digest, expected_.size > 0 ? expected_.size : -1);
  } catch (const Error& e) {
    writer_.reset();
    throw Error(ErrorCode::Registry, e.what());
  }
  writer_.reset();
}

}  // namespace ocbuild::registry
