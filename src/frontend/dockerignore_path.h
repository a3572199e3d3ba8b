#pragma once
// Go's path/filepath behaviour on Linux that .dockerignore handling depends
// on: Clean, Dir, and the syntax check that filepath.Match performs on a
// pattern. Internal header.
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::frontend::dockerignore {

// strings.TrimSpace: trims Unicode white space at both ends.
std::string_view go_trim_space(std::string_view s);

// filepath.Clean: collapses "//", removes "." segments and resolves ".."
// lexically; "" becomes ".", a rooted ".." stays at "/".
std::string go_clean(std::string_view path);

// filepath.Dir: Clean of everything up to the last '/'.
std::string go_dir(std::string_view path);

// strings.Split(s, "/").
std::vector<std::string> split_slash(std::string_view s);

// True when filepath.Match(pattern, ".") would not return ErrBadPattern:
// every bracket class is closed and non-empty, ranges are complete, no
// class item starts with '-' or ']', and no '\' is left without a character.
bool glob_syntax_ok(std::string_view pattern);

}  // namespace ocbuild::frontend::dockerignore
