#pragma once
// A BlobSink that streams a download straight into a ContentStore through a
// BlobWriter (a temp file in ROOT/ingest): nothing is held in memory, commit()
// verifies digest and size before the blob becomes visible, and a sink that
// is reset or destroyed uncommitted leaves no file behind.
#include <atomic>
#include <functional>
#include <optional>

#include "ocbuild/core/content_store.h"
#include "ocbuild/registry/blob_sink.h"

namespace ocbuild::registry {

class StoreBlobSink : public BlobSink {
 public:
  // `progress(bytes so far)` after each write; `cancel` (may be null) makes
  // the next write throw once set, to stop a download early.
  StoreBlobSink(const ContentStore& store, Descriptor expected, std::function<void(int64_t)> progress = {},
                const std::atomic<bool>* cancel = nullptr);
  void write(const char* data, size_t size) override;
  void reset() override;
  void commit() override;
  bool verifies_digest() const override { return true; }  // BlobWriter::commit does

 private:
  const ContentStore& store_;
  Descriptor expected_;
  std::function<void(int64_t)> progress_;
  const std::atomic<bool>* cancel_;
  std::optional<BlobWriter> writer_;
};

}  // namespace ocbuild::registry
