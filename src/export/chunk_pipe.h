#pragma once
// Internal to CompressingBlobWriter: hands fixed-size byte chunks from the tar-producing
// thread to the compressing thread. A fixed pool of buffers cycles between a
// "free" and a "full" queue, so memory is bounded and nothing is reallocated.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace ocbuild::exporter {

class ChunkPipe {
 public:
  using Chunk = std::vector<char>;

  ChunkPipe(size_t buffers, size_t buffer_size) {
    for (size_t i = 0; i < buffers; ++i) {
      free_.emplace_back();
      free_.back().reserve(buffer_size);
    }
  }

  // Producer: an empty buffer to fill (blocks until one is free).
  Chunk take_free() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Chunk c = std::move(free_.front());
    free_.pop_front();
    c.clear();
    return c;
  }
  // Producer: a filled buffer for the consumer.
  void push_full(Chunk c) {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(c));
    cv_.notify_all();
  }
  // Producer: no more chunks.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  // Consumer: the next filled buffer, or nullopt once closed and drained.
  std::optional<Chunk> pop_full() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty() || closed_; });
    if (full_.empty()) return std::nullopt;
    Chunk c = std::move(full_.front());
    full_.pop_front();
    return c;
  }
  // Consumer: a buffer it is done with.
  void give_back(Chunk c) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(c));
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> free_;
  std::deque<Chunk> full_;
  bool closed_ = false;
};

}  // namespace ocbuild::exporter
