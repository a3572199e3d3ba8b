#pragma once
// Reading a built image's layers back as plain tar bytes, for the e2e tests
// that check what a layer holds: its entry names and owners (GNU tar's
// listing) and whether some bytes (a secret) occur anywhere in it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/descriptor.h"
#include "support/test_env.h"

namespace ocbuild::e2e {

// The layer's uncompressed tar, written to `out` (a scratch path).
inline void decompress_layer(const std::string& store_root, const Descriptor& layer, const std::string& out) {
  std::string blob = ContentStore(store_root).blob_path(layer.digest);
  std::string tool = "cat";
  if (layer.media_type.ends_with("zstd")) tool = "zstd -dcq";
  if (layer.media_type.ends_with("gzip")) tool = "gzip -dc";
  auto r = testing::run_command(tool + " '" + blob + "' > '" + out + "' 2>&1");
  ASSERT_EQ(r.status, 0) << layer.media_type << " " << blob << ": " << r.output;
}

inline std::string layer_tar_bytes(const std::string& store_root, const Descriptor& layer, const std::string& tmp) {
  decompress_layer(store_root, layer, tmp);
  return read_file(tmp);
}

// One line per entry: "uid/gid name" (numeric owners), names as in the tar
// ("./" stripped), directories ending in '/'.
inline std::vector<std::string> layer_entries(const std::string& store_root, const Descriptor& layer,
                                              const std::string& tmp) {
  decompress_layer(store_root, layer, tmp);
  auto r = testing::run_command("tar --numeric-owner -tvf '" + tmp + "' | awk '{print $2, $6}'");
  EXPECT_EQ(r.status, 0) << r.output;
  std::vector<std::string> out;
  std::string line;
  for (char c : r.output) {
    if (c != '\n') {
      line += c;
      continue;
    }
    auto sp = line.find(' ');
    if (sp != std::string::npos && line.compare(sp + 1, 2, "./") == 0) line.erase(sp + 1, 2);
    out.push_back(line);
    line.clear();
  }
  return out;
}

// The entries' names only.
inline std::vector<std::string> entry_names(const std::vector<std::string>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.substr(e.find(' ') + 1));
  return names;
}

}  // namespace ocbuild::e2e
