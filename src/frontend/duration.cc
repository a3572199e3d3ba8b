// Go's time.ParseDuration, for HEALTHCHECK intervals.
#include <cmath>

#include "ocbuild/frontend/instructions.h"

namespace ocbuild::frontend {
namespace {

int64_t unit_ns(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;
  if (unit == "ms") return 1000000;
  if (unit == "s") return 1000000000;
  if (unit == "m") return 60LL * 1000000000;
  if (unit == "h") return 3600LL * 1000000000;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

int64_t parse_go_duration(std::string_view text) {
  auto bad = [&] { return Error(ErrorCode::Parse, "time: invalid duration \"" + std::string(text) + "\""); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) throw bad();
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    size_t int_digits = i;
    size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0) throw bad();
    long double number = std::stold(std::string(s.substr(0, i)) == "." ? "0" : std::string(s.substr(0, i)));
    size_t u = i;
    while (u < s.size() && !is_digit(s[u]) && s[u] != '.') ++u;
    int64_t scale = unit_ns(s.substr(i, u - i));
    if (scale == 0) {
      if (u == i) throw Error(ErrorCode::Parse, "time: missing unit in duration \"" + std::string(text) + "\"");
      throw Error(ErrorCode::Parse, "time: unknown unit \"" + std::string(s.substr(i, u - i)) +
                                        "\" in duration \"" + std::string(text) + "\"");
    }
    total += number * scale;
    if (total > 9.2e18L) throw Error(ErrorCode::Parse, "time: invalid duration \"" + std::string(text) + "\"");
    s.remove_prefix(u);
  }
  int64_t ns = static_cast<int64_t>(std::floor(total));
  return negative ? -ns : ns;
}

}  // namespace ocbuild::frontend
