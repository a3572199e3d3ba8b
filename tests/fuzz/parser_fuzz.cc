// libFuzzer target for the Dockerfile parser: any input must either parse or
// throw ocbuild::Error with a location, never crash, hang or throw anything
// else. Build with clang (see tests/fuzz/CMakeLists.txt) and run e.g.
//   ./build-fuzz/tests/fuzz/parser_fuzz -max_total_time=60 -max_len=4096
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ocbuild/core/error.h"
#include "ocbuild/frontend/ast.h"
#include "ocbuild/frontend/line_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace ocbuild::frontend;
  try {
    SyntaxTree tree = parse_syntax(text, "Dockerfile");
    std::string out = dump(tree);
    if (out.empty()) std::abort();  // a parsed tree has at least one instruction
  } catch (const ocbuild::Error& e) {
    if (!e.where() || e.where()->file != "Dockerfile") std::abort();
  }
  try {
    Ast ast = parse(text, "Dockerfile");
    if (ast.instructions.empty()) std::abort();
  } catch (const ocbuild::Error& e) {
    if (!e.where()) std::abort();
  }
  // The lower-level helpers on the raw bytes.
  (void)parse_json_array(text);
  (void)split_words(text);
  (void)heredocs_from_line(text);
  (void)go_quote(text);
  try {
    (void)parse_mount(text);
  } catch (const ocbuild::Error&) {
  }
  try {
    (void)parse_go_duration(text.substr(0, 64));
  } catch (const ocbuild::Error&) {
  }
  return 0;
}
