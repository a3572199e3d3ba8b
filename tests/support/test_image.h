#pragma once
// Builds a tiny real image in a ContentStore for tests: one gzip layer made
// with GNU tar (a few files), a config, a manifest, tagged as `ref_name`.
#include <string>

#include "ocbuild/core/content_store.h"

namespace ocbuild::testing {

struct TestImage {
  Descriptor manifest;
  Digest config;
  Digest layer;    // the compressed blob
  Digest diff_id;  // the uncompressed tar
};

// Files: /hello.txt ("hello from <ref_name>\n"), /etc/os-release, /bin/ (dir).
TestImage make_test_image(ContentStore& store, const std::string& ref_name);

}  // namespace ocbuild::testing
