// Parser directives (`# syntax=`, `# escape=`, `# check=`): only at the top
// of the file; scanning stops at the first line that is not a recognised
// directive. Also BuildKit's DetectSyntax (`//syntax=`, a JSON object).
#include <nlohmann/json.hpp>

#include "frontend/directive_scanner.h"
#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

bool is_re_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// `name\s*=\s*(.+?)\s*$` on the text after the comment marker.
std::optional<Directive> match_directive(std::string_view s) {
  size_t i = 0;
  if (s.empty() || !is_alpha(s[0])) return std::nullopt;
  while (i < s.size() && is_alnum(s[i])) ++i;
  std::string name(s.substr(0, i));
  while (i < s.size() && is_re_space(s[i])) ++i;
  if (i >= s.size() || s[i] != '=') return std::nullopt;
  ++i;
  while (i < s.size() && is_re_space(s[i])) ++i;
  std::string_view value = s.substr(i);
  while (!value.empty() && is_re_space(value.back())) value.remove_suffix(1);
  if (value.empty() || value.find('\n') != std::string_view::npos) return std::nullopt;
  return Directive{detail::to_lower(name), std::string(value), 0};
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string_view discard_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

}  // namespace

std::optional<Directive> DirectiveScanner::scan(std::string_view line) {
  ++line_;
  if (done_) return std::nullopt;
  if (line.substr(0, comment_.size()) != comment_) {
    done_ = true;
    return std::nullopt;
  }
  auto d = match_directive(detail::trim_left_space(line.substr(comment_.size())));
  if (!d || (d->name != "syntax" && d->name != "escape" && d->name != "check")) {
    done_ = true;
    return std::nullopt;
  }
  for (const auto& name : seen_)
    if (name == d->name) throw Error(ErrorCode::Parse, "only one " + d->name + " parser directive can be used");
  seen_.push_back(d->name);
  d->line = line_;
  return d;
}

std::vector<Directive> parse_directives(std::string_view text, std::string_view comment) {
  DirectiveScanner scanner{std::string(comment)};
  std::vector<Directive> out;
  for (auto line : split_lines(text)) {
    if (scanner.done()) break;
    if (auto d = scanner.scan(line)) out.push_back(std::move(*d));
  }
  return out;
}

namespace {

std::optional<DirectiveValue> from_scanner(std::string_view text, std::string_view key,
                                           std::string_view comment, int first_line) {
  DirectiveScanner scanner{std::string(comment), first_line};
  for (auto line : split_lines(text)) {
    if (scanner.done()) break;
    std::optional<Directive> d;
    try {
      d = scanner.scan(line);
    } catch (const Error&) {
      break;  // a repeated directive: keep what was found before it
    }
    if (d && d->name == key) {
      std::string ref = d->value.substr(0, d->value.find(' '));
      return DirectiveValue{ref, d->value, d->line};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<DirectiveValue> find_directive(std::string_view text, std::string_view key,
                                             bool any_format) {
  text = discard_bom(text);
  int line = 0;
  size_t nl = text.find('\n');
  if (text.substr(0, 2) == "#!") {
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    line = 1;
  }
  if (auto v = from_scanner(text, key, "#", line)) return v;
  if (!any_format) return std::nullopt;
  if (auto v = from_scanner(text, key, "//", line)) return v;
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto it = json.find(std::string(key));
  if (it == json.end() || !it->is_string()) return std::nullopt;
  std::string v = it->get<std::string>();
  return DirectiveValue{v, v, line};
}

}  // namespace ocbuild::frontend
