// COPY and ADD: sources, destination, --chown, --chmod, --exclude and
// --checksum are expanded; --from is not (BuildKit refuses variables there)
// and names an earlier stage or an image. Heredoc sources stay as "<<EOF";
// their bodies are chomped and expanded here, so the solver uses them as is.
#include "frontend/plan_internal.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend::plan_detail {
namespace {

// A heredoc body is chomped (`<<-`) and, unless its terminator was quoted,
// expanded with quotes kept as written (BuildKit's SkipProcessQuotes).
void expand_heredocs(const StageState& st, std::vector<Heredoc>& heredocs, const SourceRange& where) {
  ShellLexerOptions o;
  o.skip_process_quotes = true;
  ShellLexer lexer(o);
  for (auto& h : heredocs) {
    if (h.chomp) h.content = chomp_heredoc_content(h.content);
    h.chomp = false;
    if (!h.expand) continue;
    try {
      h.content = lexer.process_word(h.content, st.expansion_env());
    } catch (const Error& e) {
      rethrow_at(e, where);
    }
  }
}

template <typename T>
void expand_common(const StageState& st, T& out, const SourceRange& where) {
  for (auto& src : out.sources)
    if (out.json || !parse_heredoc_word(src)) src = st.expand(src, where);
  out.dest = st.expand(out.dest, where);
  out.chown = st.expand_opt(out.chown, where);
  out.chmod = st.expand_opt(out.chmod, where);
  if (out.chmod && !is_valid_chmod(*out.chmod))
    throw Error(ErrorCode::Parse, "invalid --chmod value \"" + *out.chmod +
                                      "\" after expansion (expected octal like 0755 or symbolic like u+x)", where);
  expand_heredocs(st, out.heredocs, where);
  for (auto& pattern : out.exclude) pattern = st.expand(pattern, where);
}

}  // namespace

void plan_copy(StageState& st, const CopyInstruction& copy, Step& step) {
  CopyInstruction out = copy;
  expand_common(st, out, step.range);
  if (out.from) step.from = resolve_input(st.ctx, *out.from, st.stage.index, step.range, "copy");
  step.value = std::move(out);
}

void plan_add(StageState& st, const AddInstruction& add, Step& step) {
  AddInstruction out = add;
  expand_common(st, out, step.range);
  out.checksum = st.expand_opt(out.checksum, step.range);
  step.value = std::move(out);
}

}  // namespace ocbuild::frontend::plan_detail
