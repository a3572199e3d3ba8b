#pragma once
// One lowering function per instruction, grouped by family in lower_*.cc.
// Each throws Error(Parse) located at the node (see flags.h node_error).
#include "ocbuild/frontend/instructions.h"

namespace ocbuild::frontend {

InstructionValue lower_from(const Node& node);
InstructionValue lower_run(const Node& node);
InstructionValue lower_copy(const Node& node);
InstructionValue lower_add(const Node& node);
InstructionValue lower_healthcheck(const Node& node);
InstructionValue lower_onbuild(const Node& node);
// CMD ENTRYPOINT SHELL ENV LABEL ARG EXPOSE VOLUME USER WORKDIR STOPSIGNAL MAINTAINER
InstructionValue lower_meta(const Node& node);

// Shared argument-count checks with BuildKit's messages.
void require_no_flags(const Node& node);
void require_at_least_one(const Node& node);
void require_exactly_one(const Node& node);
std::string upper_keyword(const Node& node);

}  // namespace ocbuild::frontend
