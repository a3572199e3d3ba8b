#pragma once
// The build context. In: a context directory (or a tar stream, extracted
// with the layer applier's safety rules) and its .dockerignore. Out: for a
// COPY/ADD, the selection of context files its sources name (Docker's
// rules) and the content digest of that selection, the COPY's cache input.
// File contents are hashed through the persistent stat cache.
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/frontend/dockerignore.h"
#include "ocbuild/solver/cache_key.h"
#include "ocbuild/solver/stat_cache.h"

namespace ocbuild::solver {

enum class EntryType { File, Dir, Symlink, Other };

struct SelectedEntry {
  std::string rel;           // relative to the match ("" is the match itself)
  std::string context_path;  // real path in the context ("" is the root)
  EntryType type = EntryType::File;
  struct stat st {};
  std::string link_target;   // symlinks only (kept, never followed)
};

// One path a source pattern matched. A symlink named or matched by the
// pattern is followed (inside the context); a directory means its contents.
struct SourceMatch {
  std::string pattern;  // the source as written
  std::string path;     // the matched context path, before resolving links
  bool is_dir = false;
  // A directory walked with no --exclude: every file under it that is not
  // .dockerignore'd is in `entries` (the stat cache prunes the others).
  bool walked_whole = false;
  std::vector<SelectedEntry> entries;  // the match itself first, then depth first by name
};

struct Selection {
  std::vector<SourceMatch> matches;
  size_t entry_count() const;
};

struct ContentDigest {
  Digest digest;
  std::vector<FileDigest> files;  // per entry: context path, content, type and mode
};

// Not thread safe (the .dockerignore matcher caches as it matches): the
// solver selects and digests one COPY at a time per context.
class BuildContext {
 public:
  // `ignore` is the loaded .dockerignore (nullopt: nothing ignored).
  // `stat_cache_path` empty: an in-memory stat cache only.
  BuildContext(std::string dir, std::optional<frontend::DockerignoreFile> ignore, std::string stat_cache_path = "");
  // The directory resolved with realpath, load_dockerignore(dir, dockerfile)
  // and the stat cache under store_root. Throws Error(Io/Invalid).
  static BuildContext open(const std::string& dir, const std::string& dockerfile, const std::string& store_root);
  // Reads a tar (plain, gzip or zstd) from fd into a temp dir owned by the
  // context; entries escaping the root are refused (exporter::apply_layer).
  static BuildContext from_tar(int fd, const std::string& dockerfile_in_tar, const std::string& store_root);
  ~BuildContext();
  BuildContext(BuildContext&&) noexcept;
  BuildContext& operator=(BuildContext&&) noexcept;

  const std::string& dir() const { return dir_; }
  // Whether a .dockerignore was loaded (RUN bind mounts then see a filtered view).
  bool has_dockerignore() const { return ignore_ != nullptr; }

  // Resolves COPY/ADD sources. Throws Error(Invalid) for a source outside
  // the context or a bad wildcard, Error(NotFound) naming a source that does
  // not exist (or is .dockerignore'd) or when nothing matched at all.
  // `excludes` (COPY --exclude) are relative to each match. With
  // `allow_empty` (COPY --parents), a source that matches nothing is skipped.
  Selection select(const std::vector<std::string>& sources, const std::vector<std::string>& excludes = {},
                   bool allow_empty = false) const;

  // Paths, types, modes (not times, not owners), link targets and content
  // hashes of the selection. Thread compatible: one call at a time.
  ContentDigest digest_of(const Selection& selection);

  // Persists the stat cache (atomic); call once the build is done.
  void save_stat_cache();
  size_t files_read() const;  // files whose content was read (not cached)

  // What this context cost so far (all select() and digest_of() calls):
  // `--progress plain` prints it, the build benchmark reads it.
  struct Stats {
    size_t entries = 0;  // selected
    size_t files = 0;    // regular files digested
    size_t read = 0;     // of which read (stat cache misses)
    std::chrono::nanoseconds select{0}, digest{0};
  };
  Stats stats() const;

 private:
  Selection select_now(const std::vector<std::string>& sources, const std::vector<std::string>& excludes,
                       bool allow_empty) const;
  std::string dir_;
  std::optional<TempDir> owned_;  // the extracted tar, if any
  std::unique_ptr<frontend::PatternMatcher> ignore_;
  std::unique_ptr<StatCache> stat_cache_;
  size_t files_read_ = 0;
  mutable Stats stats_;
};

}  // namespace ocbuild::solver
