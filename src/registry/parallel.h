#pragma once
// run_bounded: runs work(i) for i in [0, count) on at most `max_threads`
// threads. The first exception stops further items from starting, sets
// `*cancel` (so running items can give up early), and is rethrown once every
// thread has joined. Private to the registry module.
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ocbuild::registry {

inline void run_bounded(size_t count, int max_threads, const std::function<void(size_t)>& work,
                        std::atomic<bool>* cancel) {
  std::atomic<size_t> next{0};
  std::exception_ptr first;
  std::mutex mu;
  auto worker = [&] {
    for (size_t i; !cancel->load() && (i = next.fetch_add(1)) < count;) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first) first = std::current_exception();
        cancel->store(true);
      }
    }
  };
  size_t n = std::min<size_t>(count, static_cast<size_t>(max_threads < 1 ? 1 : max_threads));
  if (n <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace ocbuild::registry
