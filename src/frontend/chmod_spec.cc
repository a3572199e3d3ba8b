// --chmod values: octal (0755) or symbolic (u+x,g-w) modes, parsed with the
// BSD setmode(3) grammar BuildKit uses (its tonistiigi/dchapes-mode), umask 0:
//   clause := who* (op perm*)+ ; who := [ugoa] ; op := [+-=] ; perm := [rwxXstugo]
#include "ocbuild/frontend/chmod_spec.h"

#include <string_view>

#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

constexpr uint32_t kSetUid = 04000, kSetGid = 02000, kSticky = 01000;
constexpr uint32_t kUser = 0700, kGroup = 070, kOther = 07;
constexpr uint32_t kRead = 0444, kWrite = 0222, kExec = 0111;
constexpr uint32_t kStandard = kSetUid | kSetGid | kUser | kGroup | kOther;

std::optional<uint32_t> parse_octal(std::string_view v) {
  if (v.empty() || v.size() > 6 || v.find_first_not_of("01234567") != std::string_view::npos) return std::nullopt;
  uint32_t mode = 0;
  for (char c : v) mode = mode * 8 + uint32_t(c - '0');
  if (mode > 07777) return std::nullopt;
  return mode;
}

}  // namespace

// Builds the command list of one symbolic mode.
class ChmodParser {
 public:
  explicit ChmodParser(std::string_view s) : s_(s) {}

  bool run(std::vector<ChmodSpec::Command>& out) {
    for (;;) {
      uint32_t who = parse_who();
      if (!parse_ops(who, out)) return false;
      if (s_.empty()) return true;
      s_.remove_prefix(1);  // the ','
      if (s_.empty()) return false;
    }
  }

 private:
  uint32_t parse_who() {
    uint32_t who = 0;
    for (; !s_.empty(); s_.remove_prefix(1)) {
      char c = s_[0];
      if (c == 'a') who |= kStandard;
      else if (c == 'u') who |= kSetUid | kUser;
      else if (c == 'g') who |= kSetGid | kGroup;
      else if (c == 'o') who |= kOther;
      else break;
    }
    return who;
  }

  // One or more "op perm*" groups up to ',' or the end.
  bool parse_ops(uint32_t who, std::vector<ChmodSpec::Command>& out) {
    do {
      if (s_.empty()) return false;
      char op = s_[0];
      if (op != '+' && op != '-' && op != '=') return false;
      s_.remove_prefix(1);
      if (op == '=') equal_done_ = false;
      parse_perms(op, who & ~kSticky, out);
    } while (!s_.empty() && s_[0] != ',');
    return true;
  }

  void parse_perms(char op, uint32_t who, std::vector<ChmodSpec::Command>& out) {
    uint32_t perm = 0, perm_x = 0;
    for (; !s_.empty(); s_.remove_prefix(1)) {
      char c = s_[0];
      if (c == 'r') perm |= kRead;
      else if (c == 'w') perm |= kWrite;
      else if (c == 'x') perm |= kExec;
      else if (c == 'X') perm_x = op == '+' ? kExec : perm_x;
      else if (c == 's') perm |= (who == 0 || (who & ~kOther)) ? kSetUid | kSetGid : 0;
      else if (c == 't') {
        if (who == 0 || (who & ~kOther)) {
          who |= kSticky;
          perm |= kSticky;
        }
      } else if (c == 'u' || c == 'g' || c == 'o') {
        if (perm) add(op, who, perm, out);
        perm = 0;
        if (op == '=') equal_done_ = true;
        if (perm_x) add('X', who, perm_x, out);
        perm_x = 0;
        add_copy(c, op, who, out);
      } else {
        break;
      }
    }
    if (perm || (op == '=' && !equal_done_)) {
      if (op == '=') equal_done_ = true;
      add(op, who, perm, out);
    }
    if (perm_x) add('X', who, perm_x, out);
  }

  static void add(char op, uint32_t who, uint32_t perm, std::vector<ChmodSpec::Command>& out) {
    using C = ChmodSpec::Command;
    if (op == '=') {
      out.push_back({C::kClear, who ? who : kStandard});
      op = '+';
    }
    C::Kind kind = op == '+' ? C::kSet : op == '-' ? C::kClear : C::kSetIfExec;
    out.push_back({kind, (who ? who : ~0u) & perm});
  }

  static void add_copy(char from, char op, uint32_t who, std::vector<ChmodSpec::Command>& out) {
    using C = ChmodSpec::Command;
    C c;
    c.kind = from == 'u' ? C::kCopyU : from == 'g' ? C::kCopyG : C::kCopyO;
    c.bits = ~0u;
    c.to_u = !who || (who & 0400);
    c.to_g = !who || (who & 040);
    c.to_o = !who || (who & 04);
    c.clear = op == '-' || op == '=';
    c.set = op == '+' || op == '=';
    out.push_back(c);
  }

  std::string_view s_;
  bool equal_done_ = false;
};

std::optional<ChmodSpec> ChmodSpec::parse(std::string_view text) {
  ChmodSpec spec;
  spec.text_ = std::string(text);
  if (text.empty()) return std::nullopt;
  if (text[0] >= '0' && text[0] <= '9') {
    spec.octal_ = parse_octal(text);
    if (!spec.octal_) return std::nullopt;
    return spec;
  }
  if (!ChmodParser(text).run(spec.commands_)) return std::nullopt;
  return spec;
}

uint32_t ChmodSpec::apply(uint32_t mode, bool is_dir) const {
  if (octal_) return *octal_;
  uint32_t original = mode & 07777, now = original;
  for (const Command& c : commands_) {
    switch (c.kind) {
      case Command::kSet: now |= c.bits; break;
      case Command::kClear: now &= ~c.bits; break;
      case Command::kSetIfExec:
        if ((original & kExec) || is_dir) now |= c.bits;
        break;
      default: {
        uint32_t value = c.kind == Command::kCopyU ? (now & kUser) >> 6 : c.kind == Command::kCopyG ? (now & kGroup) >> 3
                                                                                                    : now & kOther;
        uint32_t clear = c.set && c.clear ? 07 : value;
        if (c.clear) now &= ~((c.to_u ? clear << 6 : 0) | (c.to_g ? clear << 3 : 0) | (c.to_o ? clear : 0));
        if (c.set) now |= (c.to_u ? value << 6 : 0) | (c.to_g ? value << 3 : 0) | (c.to_o ? value : 0);
      }
    }
  }
  return now & 07777;
}

bool is_valid_chmod(std::string_view v) { return ChmodSpec::parse(v).has_value(); }

}  // namespace ocbuild::frontend
