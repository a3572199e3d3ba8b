#pragma once
// Builds one syntax Node from a continuation-joined instruction line
// (BuildKit's newNodeFromLine and its per-keyword line parsers).
#include <string_view>

#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

// Throws Error(Parse) without a location; the caller adds it.
Node build_node(std::string_view line, char escape);

// Whether heredoc openers in the line are looked for (RUN/COPY/ADD in shell
// form, also wrapped in ONBUILD).
bool can_contain_heredoc(const Node& node);

}  // namespace ocbuild::frontend
