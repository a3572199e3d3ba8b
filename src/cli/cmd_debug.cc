// `ocbuild debug ...`: developer tools. `debug parse -f FILE` prints the
// parser's AST dump (BuildKit's format); `-f -` reads stdin. Other debug
// subcommands (graph, keys...) add themselves to the same group.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "ocbuild/core/error.h"
#include "ocbuild/frontend/ast.h"

namespace ocbuild::cli {
namespace {

std::string read_dockerfile(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::io("cannot open " + path, errno);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct ParseOptions {
  std::string file = "Dockerfile";
  bool syntax_only = false;
};

void setup_parse(CLI::App& debug) {
  auto opts = std::make_shared<ParseOptions>();
  auto* sub = debug.add_subcommand("parse", "parse a Dockerfile and print its AST dump");
  sub->add_option("-f,--file", opts->file, "the Dockerfile ('-' for stdin)");
  sub->add_flag("--syntax-only", opts->syntax_only, "do not check instructions and flags");
  sub->callback([opts] {
    std::string name = opts->file == "-" ? "Dockerfile" : opts->file;
    std::string text = read_dockerfile(opts->file);
    frontend::SyntaxTree tree;
    if (opts->syntax_only) {
      tree = frontend::parse_syntax(text, name);
    } else {
      frontend::Ast ast = frontend::parse(text, name);
      for (auto& ins : ast.instructions) tree.nodes.push_back(std::move(ins.node));
      tree.warnings = std::move(ast.warnings);
    }
    for (const auto& w : tree.warnings)
      std::cerr << "warning: " << w.range.file << ":" << w.range.line << ": " << w.message << "\n";
    std::cout << frontend::dump(tree);
  });
}

RegisterCommand reg("debug", [](CLI::App& app, GlobalOptions&) {
  auto* debug = app.add_subcommand("debug", "developer tools (parse, ...)");
  debug->require_subcommand(1);
  setup_parse(*debug);
});

}  // namespace
}  // namespace ocbuild::cli
