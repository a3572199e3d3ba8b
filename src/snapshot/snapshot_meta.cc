#include "snapshot/snapshot_meta.h"

#include <sstream>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"

namespace ocbuild::snapshot {

namespace {
constexpr const char* kVersionLine = "ocbuild-snapshot 1";
}

void write_meta(const std::string& snapshot_dir, const SnapshotMeta& meta) {
  std::string text = std::string(kVersionLine) + "\nchain_id " + meta.chain_id.str() + "\nparent " +
                     (meta.parent ? meta.parent->str() : "-") + "\ndiff_id " + meta.diff_id.str() + "\n";
  write_file_atomic(snapshot_dir + "/meta", text, 0644);
}

std::optional<SnapshotMeta> read_meta(const std::string& snapshot_dir) {
  std::string text;
  try {
    text = read_file(snapshot_dir + "/meta");
  } catch (const Error&) {
    return std::nullopt;
  }
  std::istringstream in(text);
  std::string version, k1, chain, k2, parent, k3, diff;
  if (!std::getline(in, version) || version != kVersionLine) return std::nullopt;
  if (!(in >> k1 >> chain >> k2 >> parent >> k3 >> diff)) return std::nullopt;
  if (k1 != "chain_id" || k2 != "parent" || k3 != "diff_id") return std::nullopt;
  SnapshotMeta meta;
  auto c = Digest::try_parse(chain);
  auto d = Digest::try_parse(diff);
  if (!c || !d) return std::nullopt;
  meta.chain_id = *c, meta.diff_id = *d;
  if (parent != "-") {
    meta.parent = Digest::try_parse(parent);
    if (!meta.parent) return std::nullopt;
  }
  return meta;
}

}  // namespace ocbuild::snapshot
