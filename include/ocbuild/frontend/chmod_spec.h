#pragma once
// A COPY/ADD --chmod value as BuildKit reads it: an octal mode ("0755", at
// most 07777) or a chmod(1)-style symbolic mode ("u+x", "go-w",
// "u=rwx,g=rx,o=", "+X"), the BSD setmode rules BuildKit uses (Dockerfile
// 1.14) with a umask of 0. Applied to each copied file and directory.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::frontend {

class ChmodSpec {
 public:
  // nullopt when `text` is neither a valid octal nor symbolic mode.
  static std::optional<ChmodSpec> parse(std::string_view text);

  // The permission bits (07777) of an entry whose current bits are `mode`;
  // `is_dir` matters for "X" (execute when a directory or already executable).
  uint32_t apply(uint32_t mode, bool is_dir) const;
  bool symbolic() const { return !octal_; }
  const std::string& text() const { return text_; }

  // One step of a symbolic mode. kSet/kClear/kSetIfExec act on `bits`;
  // kCopyU/G/O copy a class's bits to the `targets` classes (u, g, o) with
  // `clear` (remove them), `set` (add them) or both ("=").
  struct Command {
    enum Kind { kSet, kClear, kSetIfExec, kCopyU, kCopyG, kCopyO } kind = kSet;
    uint32_t bits = 0;
    bool clear = false, set = false;
    bool to_u = false, to_g = false, to_o = false;
  };

 private:
  std::string text_;
  std::optional<uint32_t> octal_;
  std::vector<Command> commands_;
  friend class ChmodParser;
};

}  // namespace ocbuild::frontend
