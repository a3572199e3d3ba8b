// Matches 100,000 generated context paths against a 50-pattern .dockerignore
// (globs, "**", character classes and exceptions) and prints the best of 5
// runs in milliseconds. Usage: dockerignore_bench [paths]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ocbuild/frontend/dockerignore.h"

namespace {

const char* kIgnoreFile = R"(# a realistic, busy .dockerignore
.git
.github
**/.DS_Store
**/node_modules
**/__pycache__
**/*.pyc
**/*.pyo
*.log
**/*.tmp
**/*.swp
build/
dist/**
!dist/release/**
coverage
.env
.env.*
!.env.example
docs/**/*.md
!docs/api/*.md
vendor/
target/
out/
*.o
**/*.a
**/*.so.[0-9]*
tmp/
cache/**
.cache
**/test-results
**/*.snap
!important.snap
**/fixtures/**/large-*
src/**/generated/*
!src/core/generated/keep.h
*.bak
**/*~
**/.idea
**/.vscode
*.iml
logs/*/archive
data/[0-9][0-9][0-9][0-9]-*
**/secret?.txt
Dockerfile*
!Dockerfile.prod
docker-compose*.yml
**/*.orig
third_party/**/tests
*.tar.gz
**/*.zip
!assets/**/*.zip
)";

const char* kDirs[] = {"src", "lib", "app", "docs", "test", "node_modules", "vendor", "build", "dist", "core",
                       "api", "util", "generated", "fixtures", "release", "assets", "data", "pkg", "cmd", "internal"};
const char* kFiles[] = {"main", "index", "util", "README", "config", "server", "client", "model", "view", "test"};
const char* kExts[] = {".c", ".h", ".go", ".py", ".pyc", ".js", ".md", ".txt", ".log", ".tmp", ".o", ".zip",
                       ".snap", ".json", "", ".so.1"};

std::vector<std::string> generate_paths(size_t n) {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&](uint64_t mod) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>((state >> 33) % mod);
  };
  std::vector<std::string> paths;
  paths.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string p;
    size_t depth = next(6);
    for (size_t d = 0; d < depth; ++d) p += std::string(kDirs[next(20)]) + "/";
    p += std::string(kFiles[next(10)]) + std::to_string(next(50)) + kExts[next(16)];
    paths.push_back(std::move(p));
  }
  return paths;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  auto patterns = ocbuild::frontend::read_dockerignore(kIgnoreFile);
  ocbuild::frontend::PatternMatcher matcher(patterns);
  auto paths = generate_paths(n);
  double best_ms = 1e30;
  size_t excluded = 0;
  for (int run = 0; run < 5; ++run) {
    excluded = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& p : paths) excluded += matcher.matches_or_parent_matches(p) ? 1 : 0;
    auto t1 = std::chrono::steady_clock::now();
    best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::printf("dockerignore: %zu patterns, %zu paths, %zu excluded, best of 5: %.1f ms\n", matcher.size(), n,
              excluded, best_ms);
  return 0;
}
