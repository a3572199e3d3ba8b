// Reading .dockerignore files: moby/patternmatcher's ignorefile.ReadAll and
// BuildKit's choice between the per-Dockerfile file and the context's one.
#include <sys/stat.h>

#include <cerrno>

#include "frontend/dockerignore_path.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/frontend/dockerignore.h"

namespace ocbuild::frontend {

DockerignoreFile parse_dockerignore(std::string path, std::string_view content) {
  DockerignoreFile out;
  out.path = std::move(path);
  bool first = true;
  int line_no = 0;
  while (!content.empty()) {
    ++line_no;
    // bufio.ScanLines: split on '\n', drop one '\r' before it.
    size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    first = false;
    if (!line.empty() && line[0] == '#') continue;  // a comment only in column 0
    std::string_view pattern = dockerignore::go_trim_space(line);
    if (pattern.empty()) continue;
    const bool invert = pattern[0] == '!';
    if (invert) pattern = dockerignore::go_trim_space(pattern.substr(1));
    std::string cleaned;
    if (!pattern.empty()) {
      cleaned = dockerignore::go_clean(pattern);
      if (cleaned.size() > 1 && cleaned[0] == '/') cleaned.erase(0, 1);
    }
    out.patterns.push_back(invert ? "!" + cleaned : cleaned);
    out.lines.push_back(line_no);
  }
  return out;
}

std::vector<std::string> read_dockerignore(std::string_view content) {
  return parse_dockerignore("", content).patterns;
}

PatternMatcher compile_dockerignore(const DockerignoreFile& file) {
  for (size_t i = 0; i < file.patterns.size(); ++i) {
    if (auto err = check_pattern(file.patterns[i])) {
      SourceRange where;
      where.file = file.path;
      where.line = i < file.lines.size() ? file.lines[i] : 0;
      throw Error(ErrorCode::Invalid, *err, where);
    }
  }
  return PatternMatcher(file.patterns);
}

namespace {

// Whether `path` names something that is not a directory; throws for errors
// other than "does not exist".
bool file_exists(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return !S_ISDIR(st.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  throw Error::io("stat " + path, errno);
}

}  // namespace

std::optional<DockerignoreFile> load_dockerignore(const std::string& context_dir,
                                                  const std::string& dockerfile_path) {
  std::vector<std::string> candidates;
  if (!dockerfile_path.empty()) candidates.push_back(dockerfile_path + ".dockerignore");
  candidates.push_back(context_dir + "/.dockerignore");
  for (const auto& path : candidates) {
    if (!file_exists(path)) continue;
    return parse_dockerignore(path, read_file(path));
  }
  return std::nullopt;
}

}  // namespace ocbuild::frontend
