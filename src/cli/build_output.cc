#include "cli/build_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <map>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/export/image_save.h"
#include "ocbuild/export/rootfs_export.h"
#include "ocbuild/registry/push.h"

namespace ocbuild::cli {
namespace {

const std::map<std::string, OutputType> kTypes = {
    {"image", OutputType::Image}, {"oci", OutputType::Oci},   {"docker", OutputType::Docker},
    {"local", OutputType::Local}, {"tar", OutputType::Tar},   {"registry", OutputType::Registry}};

std::map<std::string, std::string> split_attributes(const std::string& spec) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      throw Error(ErrorCode::Invalid, "--output \"" + spec + "\": \"" + item + "\" is not KEY=VALUE");
    out[item.substr(0, eq)] = item.substr(eq + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool needs_dest(OutputType t) { return t != OutputType::Image && t != OutputType::Registry; }

// Copies a finished file to stdout (archives are written to a file first so
// the writers stay atomic and seekable).
void copy_to_stdout(const std::string& path) {
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) throw Error::io("open " + path, errno);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read_retry(in.get(), buf, sizeof buf);
    if (n < 0) throw Error::io("read " + path, errno);
    if (n == 0) break;
    write_all(STDOUT_FILENO, buf, static_cast<size_t>(n), "write to stdout");
  }
}

void write_archive(const ContentStore& store, const exporter::SaveRequest& req, const BuildOutput& out) {
  auto format = out.type == OutputType::Oci ? exporter::SaveFormat::OciArchive : exporter::SaveFormat::DockerArchive;
  if (!out.to_stdout()) return exporter::save_image(store, req, format, out.dest);
  TempDir tmp("ocbuild-output-");
  exporter::save_image(store, req, format, tmp.path() + "/image.tar");
  copy_to_stdout(tmp.path() + "/image.tar");
}

std::string push_one(const ContentStore& store, const Descriptor& manifest, const std::string& ref,
                     const RegistryFlags& flags) {
  registry::PushOptions options;
  options.client = flags.client_options();
  return registry::push(store, manifest.digest.str(), registry::Reference::parse(ref), options).digest.str();
}

}  // namespace

BuildOutput parse_build_output(const std::string& spec) {
  if (spec.empty()) throw Error(ErrorCode::Invalid, "--output needs a value");
  if (spec == "-") return {OutputType::Tar, "-"};
  if (spec.find('=') == std::string::npos) return {OutputType::Local, spec};
  auto attrs = split_attributes(spec);
  auto type_it = attrs.find("type");
  if (type_it == attrs.end()) throw Error(ErrorCode::Invalid, "--output \"" + spec + "\" needs type=...");
  auto known = kTypes.find(type_it->second);
  if (known == kTypes.end())
    throw Error(ErrorCode::Invalid, "--output: unknown type \"" + type_it->second +
                                        "\" (want image, oci, docker, local, tar or registry)");
  BuildOutput out{known->second, ""};
  for (const auto& [key, value] : attrs) {
    if (key == "type") continue;
    if (key != "dest") throw Error(ErrorCode::Invalid, "--output: unknown attribute \"" + key + "\" in \"" + spec + "\"");
    if (!needs_dest(out.type)) throw Error(ErrorCode::Invalid, "--output type=" + type_it->second + " takes no dest");
    out.dest = value;
  }
  if (needs_dest(out.type) && out.dest.empty())
    throw Error(ErrorCode::Invalid, "--output type=" + type_it->second + " needs dest=PATH (or dest=- for stdout)");
  if (out.type == OutputType::Local && out.to_stdout())
    throw Error(ErrorCode::Invalid, "--output type=local needs a directory; use type=tar,dest=- for stdout");
  return out;
}

std::vector<BuildOutput> plan_outputs(const std::vector<std::string>& specs, bool push, bool have_tags) {
  std::vector<BuildOutput> outputs;
  for (const auto& s : specs) outputs.push_back(parse_build_output(s));
  if (outputs.empty()) outputs.push_back({OutputType::Image, ""});
  if (push) outputs.push_back({OutputType::Registry, ""});
  int stdout_users = 0;
  for (const auto& o : outputs) {
    if (o.to_stdout()) ++stdout_users;
    if (o.type == OutputType::Registry && !have_tags)
      throw Error(ErrorCode::Invalid, "pushing needs a name: give -t REGISTRY/NAME:TAG");
  }
  if (stdout_users > 1) throw Error(ErrorCode::Invalid, "only one --output can use dest=- (stdout)");
  return outputs;
}

bool writes_stdout(const std::vector<BuildOutput>& outputs) {
  for (const auto& o : outputs)
    if (o.to_stdout()) return true;
  return false;
}

OutputResult write_outputs(ContentStore& store, const Descriptor& manifest, const std::vector<BuildOutput>& outputs,
                           const std::vector<std::string>& refs, const RegistryFlags& registry) {
  OutputResult result;
  for (const auto& out : outputs) {
    switch (out.type) {
      case OutputType::Image:
        for (const auto& ref : refs) store.tag(ref, manifest);
        break;
      case OutputType::Oci:
      case OutputType::Docker: {
        exporter::SaveRequest req{manifest, refs.empty() ? "" : refs.front(), {}};
        if (out.type == OutputType::Docker && refs.size() > 1) req.more_ref_names.assign(refs.begin() + 1, refs.end());
        write_archive(store, req, out);
        break;
      }
      case OutputType::Local: exporter::export_rootfs_dir(store, manifest, out.dest); break;
      case OutputType::Tar:
        if (out.to_stdout()) exporter::export_rootfs_tar(store, manifest, STDOUT_FILENO);
        else exporter::export_rootfs_tar(store, manifest, out.dest);
        break;
      case OutputType::Registry:
        for (const auto& ref : refs) result.pushed.emplace_back(ref, push_one(store, manifest, ref, registry));
        break;
    }
  }
  return result;
}

void add_output_flags(CLI::App* sub, OutputFlags& f) {
  sub->add_option("-o,--output", f.outputs,
                  "type=image|oci|docker|local|tar|registry[,dest=PATH|-], DIR (local) or - (tar to stdout)");
  sub->add_flag("--push", f.push, "push the image to the -t names (shorthand for type=image + type=registry)");
  sub->add_option("--metadata-file", f.metadata_file, "write the build result (digests, names) as JSON");
  sub->add_flag("-q,--quiet", f.quiet, "print only the image digest, no progress");
  sub->add_option("--jobs", f.jobs, "at most N stages at once (default: the number of CPUs)")
      ->check(CLI::PositiveNumber);
  add_registry_flags(sub, f.registry);
}

}  // namespace ocbuild::cli
