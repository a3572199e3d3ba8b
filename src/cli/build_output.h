#pragma once
// Where `ocbuild build` puts its result, as `docker build --output/-o` spells
// it: "type=image" (the store, tagged), "type=oci,dest=PATH",
// "type=docker,dest=PATH", "type=local,dest=DIR", "type=tar,dest=PATH",
// "type=registry" (push); "DIR" alone is type=local and "-" alone is
// type=tar,dest=-. dest=- means stdout. Image outputs (image, registry, oci,
// docker) also take BuildKit's exporter attributes: name=N1,N2 (the names
// to tag, push or record in the archive instead of the -t names; a value
// with commas may be CSV-quoted, "name=a,b"), push=true|false (image,
// registry), compression=uncompressed|gzip|zstd, compression-level=N,
// force-compression=true|false and oci-mediatypes=true|false (Docker media
// types when false; zstd forces OCI). Throws Error(Invalid).
#include <optional>
#include <string>
#include <vector>

#include "cli/registry_flags.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/export/image_convert.h"

namespace ocbuild::cli {

enum class OutputType { Image, Oci, Docker, Local, Tar, Registry };

struct BuildOutput {
  OutputType type = OutputType::Image;
  std::string dest;                // "" for image/registry; "-" is stdout
  std::vector<std::string> names;  // name=, normalized; empty: the -t names
  bool push = false;               // type=registry, or push=true
  std::optional<Compression> compression;
  std::optional<int> compression_level;
  bool force_compression = false;
  std::optional<bool> oci_media_types;
  std::vector<std::string> warnings;  // e.g. zstd forcing OCI media types
  bool to_stdout() const { return dest == "-"; }
  bool is_image() const { return type != OutputType::Local && type != OutputType::Tar; }
  // The conversion this output asks for, nullopt when the built image is used as is.
  std::optional<exporter::ConvertOptions> conversion(Compression build_compression) const;
};

BuildOutput parse_build_output(const std::string& spec);

// The outputs of one build: the -o specs, or type=image when none; --push
// sets push=true on the image outputs (or adds a type=registry when there
// is none). Throws Error(Invalid) when a push has no name (no -t, no
// name=), or two outputs use stdout.
std::vector<BuildOutput> plan_outputs(const std::vector<std::string>& specs, bool push, bool have_tags);

struct OutputResult {
  std::vector<std::pair<std::string, std::string>> pushed;  // (ref, digest)
  // The manifest the first image output wrote (converted or not); nullopt
  // when there is none (local, tar).
  std::optional<Descriptor> exported;
};

// Writes every output of the built manifest. `refs` are the -t names
// (normalized): tagged by type=image, recorded by oci/docker and pushed by
// push outputs that have no name=. `build_compression` is --compression
// (the layers' compression, what compression-level= applies to by default).
OutputResult write_outputs(ContentStore& store, const Descriptor& manifest, const std::vector<BuildOutput>& outputs,
                           const std::vector<std::string>& refs, const RegistryFlags& registry,
                           Compression build_compression = Compression::Gzip);

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
