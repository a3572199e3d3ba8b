// COPY and ADD.
#include "frontend/flags.h"
#include "frontend/lower_families.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

bool valid_checksum(const std::string& v) {
  size_t colon = v.find(':');
  if (colon == std::string::npos) return false;
  std::string algo = v.substr(0, colon), hex = v.substr(colon + 1);
  size_t want = algo == "sha256" ? 64 : algo == "sha384" ? 96 : algo == "sha512" ? 128 : 0;
  return want && hex.size() == want && hex.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Sources and destination; a heredoc cannot be the destination.
void split_sources(const Node& node, std::vector<std::string>& sources, std::string& dest) {
  if (node.args.size() < 2) {
    std::string k = upper_keyword(node);
    if (node.args.size() == 1)
      throw node_error(node, k + " requires at least two arguments, but only one was provided. "
                                 "Destination could not be determined.");
    throw node_error(node, k + " requires at least two arguments");
  }
  sources.assign(node.args.begin(), node.args.end() - 1);
  dest = node.args.back();
  if (!node.json && parse_heredoc_word(dest))
    throw node_error(node, upper_keyword(node) + " cannot use a heredoc as the destination", dest);
}

// A value with a variable is checked after expansion, by the build plan.
void check_chmod(const Node& node, const std::optional<std::string>& chmod) {
  if (chmod && chmod->find('$') == std::string::npos && !is_valid_chmod(*chmod))
    throw node_error(node, "invalid --chmod value \"" + *chmod + "\" (expected octal like 0755 or symbolic like u+x)",
                     "--chmod");
}

}  // namespace

InstructionValue lower_copy(const Node& node) {
  ParsedFlags flags(node, {{"from", FlagKind::kString}, {"chown", FlagKind::kString}, {"chmod", FlagKind::kString},
                           {"link", FlagKind::kBool}, {"parents", FlagKind::kBool}, {"exclude", FlagKind::kList}});
  CopyInstruction copy;
  split_sources(node, copy.sources, copy.dest);
  copy.json = node.json;
  copy.from = flags.string("from");
  copy.chown = flags.string("chown");
  copy.chmod = flags.string("chmod");
  check_chmod(node, copy.chmod);
  copy.link = flags.boolean("link");
  copy.parents = flags.boolean("parents");
  copy.exclude = flags.list("exclude");
  copy.heredocs = node.heredocs;
  return copy;
}

InstructionValue lower_add(const Node& node) {
  ParsedFlags flags(node, {{"chown", FlagKind::kString}, {"chmod", FlagKind::kString}, {"link", FlagKind::kBool},
                           {"keep-git-dir", FlagKind::kBool}, {"checksum", FlagKind::kString},
                           {"exclude", FlagKind::kList}, {"unpack", FlagKind::kBool}});
  AddInstruction add;
  split_sources(node, add.sources, add.dest);
  add.json = node.json;
  add.chown = flags.string("chown");
  add.chmod = flags.string("chmod");
  check_chmod(node, add.chmod);
  add.link = flags.boolean("link");
  add.keep_git_dir = flags.boolean("keep-git-dir");
  add.unpack = flags.string("unpack").value_or("true") != "false";
  add.checksum = flags.string("checksum");
  if (add.checksum && !valid_checksum(*add.checksum))
    throw node_error(node, "invalid --checksum \"" + *add.checksum + "\" (expected sha256:<64 hex digits>)",
                     "--checksum");
  add.exclude = flags.list("exclude");
  add.heredocs = node.heredocs;
  return add;
}

}  // namespace ocbuild::frontend
