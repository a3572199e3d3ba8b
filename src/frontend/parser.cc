// The line loop of the parser: directives, comments, continuation lines,
// empty-continuation warnings and heredoc bodies, in BuildKit's order.
#include <optional>

#include "frontend/directive_scanner.h"
#include "frontend/node_builder.h"
#include "frontend/source_lines.h"
#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"
#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {
namespace {

std::string_view trim_newline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_comment(std::string_view raw) {
  auto s = detail::trim_left_space(trim_newline(raw));
  return !s.empty() && s[0] == '#';
}

class LineLoop {
 public:
  LineLoop(std::string_view text, std::string filename) : src_(text, filename) {
    tree_.filename = std::move(filename);
    tree_.nodes.reserve(src_.line_estimate() / 2 + 1);
  }

  SyntaxTree run() {
    while (auto raw = src_.next()) instruction(*raw);
    if (tree_.nodes.empty())
      throw src_.error("file with no instructions", src_.line(), src_.line());
    return std::move(tree_);
  }

 private:
  // Trims the newline (and leading blanks when asked), checks for a directive,
  // and blanks out comment lines.
  std::string_view process(std::string_view raw, bool strip_left) {
    std::string_view s = trim_newline(raw);
    if (strip_left) s = detail::trim_left_space(s);
    try {
      if (auto d = directives_.scan(s)) {
        if (d->name == "escape") set_escape(d->value);
        tree_.directives.push_back(std::move(*d));
      }
    } catch (Error& e) {
      throw src_.error(e.message(), src_.line(), src_.line());
    }
    return is_comment(s) ? std::string_view{} : s;
  }

  void set_escape(const std::string& value) {
    if (value != "`" && value != "\\")
      throw src_.error("invalid escape token '" + value + "' does not match ` or \\", src_.line(), src_.line());
    tree_.escape = value[0];
  }

  // Removes a trailing escape (not itself escaped) and the blanks after it.
  std::pair<std::string_view, bool> trim_continuation(std::string_view s) const {
    size_t end = s.size();
    while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
    if (end == 0 || s[end - 1] != tree_.escape) return {s, true};
    if (end >= 2 && s[end - 2] == tree_.escape) return {s, true};
    return {s.substr(0, end - 1), false};
  }

  void instruction(std::string_view raw) {
    std::string_view first = process(raw, true);
    int start = src_.line();
    auto [head, end_of_line] = trim_continuation(first);
    if (end_of_line && head.empty()) return;
    std::string line(head);
    bool empty_continuation = false;
    while (!end_of_line) {
      auto next = src_.next();
      if (!next) break;
      std::string_view cont = process(*next, false);
      if (is_comment(*next)) continue;
      if (detail::trim_left_space(cont).empty()) {
        empty_continuation = true;
        continue;
      }
      auto [piece, eol] = trim_continuation(cont);
      line += piece;
      end_of_line = eol;
    }
    Node node;
    try {
      node = build_node(line, tree_.escape);
    } catch (Error& e) {
      throw src_.error(e.message(), start, src_.line());
    }
    if (empty_continuation) warn_empty_continuation(line, start);
    if (can_contain_heredoc(node) && line.find("<<") != std::string::npos) read_heredocs(node, line, start);
    node.range = SourceRange{tree_.filename, start, src_.first_column(start), src_.line(), 0};
    if (tree_.nodes.empty()) tree_.start_line = start;
    tree_.end_line = src_.line();
    tree_.nodes.push_back(std::move(node));
  }

  void warn_empty_continuation(const std::string& line, int start) {
    Warning w;
    w.message = "Empty continuation line found in: " + line;
    w.detail = "Empty continuation lines will become errors in a future release";
    w.range = SourceRange{tree_.filename, start, 1, src_.line(), 0};
    tree_.warnings.push_back(std::move(w));
  }

  void read_heredocs(Node& node, const std::string& line, int start) {
    std::vector<Heredoc> docs;
    try {
      docs = heredocs_from_line(line);
    } catch (Error& e) {
      throw src_.error(e.message(), start, src_.line());
    }
    for (auto& doc : docs) {
      bool terminated = false;
      while (auto raw = src_.next()) {
        std::string_view candidate = trim_newline(*raw);
        if (doc.chomp)
          while (!candidate.empty() && candidate.front() == '\t') candidate.remove_prefix(1);
        if (candidate == doc.name) {
          terminated = true;
          break;
        }
        doc.content.append(*raw);
      }
      if (!terminated)
        throw src_.error("unterminated heredoc " + doc.name, start, src_.line());
      node.heredocs.push_back(std::move(doc));
    }
  }

  SourceLines src_;
  DirectiveScanner directives_;
  SyntaxTree tree_;
};

}  // namespace

SyntaxTree parse_syntax(std::string_view text, std::string filename) {
  return LineLoop(text, std::move(filename)).run();
}

}  // namespace ocbuild::frontend
