// --chmod values: octal (0755) or symbolic (u+x,g-w) modes, as BuildKit accepts.
#include <string_view>

#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {

bool is_valid_chmod(std::string_view v) {
  if (v.empty()) return false;
  bool octal = v.size() <= 4 && v.find_first_not_of("01234567") == std::string::npos;
  if (octal) return true;
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && std::string_view("ugoa").find(v[i]) != std::string_view::npos) ++i;
    if (i >= v.size() || std::string_view("+-=").find(v[i]) == std::string_view::npos) return false;
    while (i < v.size() && std::string_view("+-=").find(v[i]) != std::string_view::npos) ++i;
    while (i < v.size() && std::string_view("rwxXstugo").find(v[i]) != std::string_view::npos) ++i;
    if (i < v.size() && v[i] != ',') return false;
    if (i < v.size()) ++i;
  }
  return true;
}

}  // namespace ocbuild::frontend
