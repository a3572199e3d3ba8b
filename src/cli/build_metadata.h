#pragma once
// `ocbuild build --metadata-file F`: the result as buildx writes it, one JSON
// object: "containerimage.digest" (the manifest digest),
// "containerimage.config.digest", "containerimage.descriptor" (the manifest
// descriptor), "image.name" (the -t names, comma-joined; only when given) and,
// when pushed, "containerimage.pushed.digest" (the digest the registry holds)
// and "containerimage.pushed" (each pushed name with its digest). Written
// atomically; throws Error(Io).
#include <string>
#include <utility>
#include <vector>

#include "ocbuild/core/descriptor.h"

namespace ocbuild::cli {

struct BuildMetadata {
  Descriptor manifest;
  Digest config;
  std::vector<std::string> names;                           // -t, as given
  std::vector<std::pair<std::string, std::string>> pushed;  // (ref, digest)
};

std::string metadata_json(const BuildMetadata& m);
void write_metadata_file(const std::string& path, const BuildMetadata& m);

}  // namespace ocbuild::cli
