#include "context_paths.h"

#include <unistd.h>

#include <cerrno>
#include <deque>

#include "ocbuild/core/error.h"

namespace ocbuild::solver {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "/" + b;
}

std::string clean_path(const std::string& path) {
  bool rooted = !path.empty() && path[0] == '/';
  std::vector<std::string> out;
  for (const std::string& c : split_path(path)) {
    if (c == ".") continue;
    if (c == "..") {
      if (!out.empty() && out.back() != "..") out.pop_back();
      else if (!rooted) out.push_back("..");
      continue;
    }
    out.push_back(c);
  }
  std::string joined;
  for (const auto& c : out) joined = joined.empty() ? c : joined + "/" + c;
  if (rooted) return "/" + joined;
  return joined.empty() ? "." : joined;
}

std::string context_source_path(const std::string& source) {
  std::string cleaned = clean_path(source);
  if (cleaned == ".." || cleaned.rfind("../", 0) == 0) {
    throw Error(ErrorCode::Invalid, "forbidden path outside the build context: " + source + " (" + cleaned + ")");
  }
  if (cleaned[0] == '/') cleaned.erase(0, 1);
  return cleaned == "." ? "" : cleaned;
}

namespace {

std::string read_link(const std::string& path) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) throw Error::io("readlink " + path, errno);
    if (size_t(n) < buf.size()) return buf.substr(0, size_t(n));
    buf.resize(buf.size() * 2);
  }
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s = join_path(s, p);
  return s;
}

}  // namespace

std::optional<ResolvedPath> resolve_in_root(const std::string& root, const std::string& path, bool follow_last) {
  std::deque<std::string> todo;
  for (auto& c : split_path(path)) todo.push_back(std::move(c));
  std::vector<std::string> cur;
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == ".") continue;
    if (c == "..") {
      if (!cur.empty()) cur.pop_back();  // never above the root
      continue;
    }
    std::string full = root + "/" + join_path(joined(cur), c);
    struct stat st;
    if (::lstat(full.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw Error::io("stat " + full, errno);
    }
    if (S_ISLNK(st.st_mode) && (!todo.empty() || follow_last)) {
      if (++links > 255) throw Error(ErrorCode::Invalid, "too many levels of symbolic links: " + path);
      std::string target = read_link(full);
      if (!target.empty() && target[0] == '/') cur.clear();
      auto parts = split_path(target);
      todo.insert(todo.begin(), parts.begin(), parts.end());
      continue;
    }
    if (!todo.empty() && !S_ISDIR(st.st_mode)) return std::nullopt;
    cur.push_back(std::move(c));
  }
  ResolvedPath r{joined(cur), {}};
  std::string full = r.path.empty() ? root : root + "/" + r.path;
  if (::lstat(full.c_str(), &r.st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error::io("stat " + full, errno);
  }
  return r;
}

}  // namespace ocbuild::solver
