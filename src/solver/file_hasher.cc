#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <thread>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/solver/stat_cache.h"

namespace ocbuild::solver {
namespace {

// A file changed within this window of its hashing could change again
// without its timestamps moving (coarse kernel clock): never cache it.
constexpr int64_t kRacyWindowNs = 100'000'000;

int64_t now_ns() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

Digest hash_fd(int fd, const std::string& path) {
  Hasher h;
  static thread_local std::vector<char> buf(1 << 18);
  for (;;) {
    ssize_t n = read_retry(fd, buf.data(), buf.size());
    if (n < 0) throw Error::io("read " + path, errno);
    if (n == 0) break;
    h.update(buf.data(), size_t(n));
  }
  return h.finish();
}

}  // namespace

bool racy_entry(const StatKey& st, int64_t hashed_at_ns) {
  int64_t newest = std::max(st.mtime_ns, st.ctime_ns);
  return newest + kRacyWindowNs > hashed_at_ns || newest / 1000000000 >= hashed_at_ns / 1000000000;
}

FileHasher::FileHasher(std::string root, StatCache& cache, unsigned threads)
    : root_(std::move(root)), cache_(cache),
      threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {}

Digest FileHasher::hash_one(const std::string& rel, const struct stat& st) {
  StatKey key = StatKey::of(st);
  if (auto hit = cache_.lookup(rel, key)) return *hit;
  std::string path = root_ + "/" + rel;
  int64_t started = now_ns();
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK));
  if (!fd) throw Error::io("open " + path, errno);
  ++reads_;
  Digest d = hash_fd(fd.get(), path);
  struct stat after;
  if (::fstat(fd.get(), &after) != 0) throw Error::io("stat " + path, errno);
  StatKey now = StatKey::of(after);
  // Changed while we read it, or too recently to trust the timestamps.
  if (now == key && !racy_entry(key, started)) cache_.record(rel, key, d);
  return d;
}

std::vector<Digest> FileHasher::hash(const std::vector<std::string>& rel_paths) {
  std::vector<struct stat> stats(rel_paths.size());
  for (size_t i = 0; i < rel_paths.size(); ++i) {
    std::string path = root_ + "/" + rel_paths[i];
    if (::lstat(path.c_str(), &stats[i]) != 0) throw Error::io("stat " + path, errno);
  }
  return hash(rel_paths, stats);
}

std::vector<Digest> FileHasher::hash(const std::vector<std::string>& rel_paths, const std::vector<struct stat>& stats) {
  std::vector<Digest> out(rel_paths.size());
  std::atomic<size_t> next{0};
  std::exception_ptr first_error;
  std::mutex error_mu;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < rel_paths.size();) {
      try {
        out[i] = hash_one(rel_paths[i], stats[i]);
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!first_error) first_error = std::current_exception();
        next = rel_paths.size();
      }
    }
  };
  unsigned n = unsigned(std::min<size_t>(threads_, rel_paths.size() / 64 + 1));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
  return out;
}

}  // namespace ocbuild::solver
