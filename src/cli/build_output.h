#pragma once
// Where `ocbuild build` puts its result, as `docker build --output/-o` spells
// it: "type=image" (the store, tagged with -t), "type=oci,dest=PATH",
// "type=docker,dest=PATH", "type=local,dest=DIR", "type=tar,dest=PATH",
// "type=registry" (push to the -t names); "DIR" alone is type=local and "-"
// alone is type=tar,dest=-. dest=- means stdout. Throws Error(Invalid).
#include <optional>
#include <string>
#include <vector>

#include "cli/registry_flags.h"
#include "ocbuild/core/content_store.h"

namespace ocbuild::cli {

enum class OutputType { Image, Oci, Docker, Local, Tar, Registry };

struct BuildOutput {
  OutputType type = OutputType::Image;
  std::string dest;  // "" for image/registry; "-" is stdout
  bool to_stdout() const { return dest == "-"; }
};

BuildOutput parse_build_output(const std::string& spec);

// The outputs of one build: the -o specs, or type=image when none; --push
// adds the push (type=image + type=registry). Throws Error(Invalid) when a
// tag is needed (registry) and none is given, or two outputs use stdout.
std::vector<BuildOutput> plan_outputs(const std::vector<std::string>& specs, bool push, bool have_tags);

// The digests pushed by type=registry (one per -t name).
struct OutputResult {
  std::vector<std::pair<std::string, std::string>> pushed;  // (ref, digest)
};

// Writes every output of the built manifest. `refs` are the -t names
// (normalized); tags are written only for type=image.
OutputResult write_outputs(ContentStore& store, const Descriptor& manifest, const std::vector<BuildOutput>& outputs,
                           const std::vector<std::string>& refs, const RegistryFlags& registry);

bool writes_stdout(const std::vector<BuildOutput>& outputs);

// The build flags about outputs and output verbosity, registered together:
// -o/--output, --push, --metadata-file, -q/--quiet, --jobs and the registry
// flags (--insecure-registry, --tls-verify) used for pulls and pushes.
struct OutputFlags {
  std::vector<std::string> outputs;
  bool push = false;
  std::string metadata_file;
  bool quiet = false;
  size_t jobs = 0;
  RegistryFlags registry;
};
void add_output_flags(CLI::App* sub, OutputFlags& flags);

}  // namespace ocbuild::cli
