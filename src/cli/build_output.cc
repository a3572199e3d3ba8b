// --output parsing: BuildKit's exporter attributes, CSV as buildx reads them.
#include "cli/build_output.h"

#include <map>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image_ref.h"

namespace ocbuild::cli {
namespace {

const std::map<std::string, OutputType> kTypes = {
    {"image", OutputType::Image}, {"oci", OutputType::Oci},   {"docker", OutputType::Docker},
    {"local", OutputType::Local}, {"tar", OutputType::Tar},   {"registry", OutputType::Registry}};

// CSV fields: a field may be double-quoted ("name=a,b"), "" inside quotes
// is a quote.
std::vector<std::string> csv_fields(const std::string& spec) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if (c == '"' && quoted && i + 1 < spec.size() && spec[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) throw Error(ErrorCode::Invalid, "--output \"" + spec + "\": unterminated quote");
  return fields;
}

// KEY=VALUE pairs in order. A field without '=' right after name= is one
// more name (-o type=image,name=a:1,b:2 as the issue spells it).
std::vector<std::pair<std::string, std::string>> split_attributes(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item : csv_fields(spec)) {
    size_t eq = item.find('=');
    if (eq == std::string::npos && !out.empty() && out.back().first == "name" && !item.empty()) {
      out.back().second += "," + item;
      continue;
    }
    if (eq == std::string::npos)
      throw Error(ErrorCode::Invalid, "--output \"" + spec + "\": \"" + item + "\" is not KEY=VALUE");
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

BuildOutput make_output(OutputType type, std::string dest) {
  BuildOutput out;
  out.type = type;
  out.dest = std::move(dest);
  out.push = type == OutputType::Registry;
  return out;
}

bool needs_dest(OutputType t) { return t != OutputType::Image && t != OutputType::Registry; }

bool parse_bool(const std::string& key, const std::string& value) {
  if (value == "true" || value.empty()) return true;
  if (value == "false") return false;
  throw Error(ErrorCode::Invalid, "--output: " + key + "=" + value + " (want true or false)");
}

Compression parse_compression(const std::string& value) {
  if (value == "gzip") return Compression::Gzip;
  if (value == "zstd") return Compression::Zstd;
  if (value == "uncompressed") return Compression::None;
  throw Error(ErrorCode::Invalid, "--output: compression=" + value + " (want uncompressed, gzip or zstd)");
}

int parse_level(const std::string& value) {
  size_t used = 0;
  int level = -1;
  try {
    level = std::stoi(value, &used);
  } catch (const std::exception&) {
  }
  if (used != value.size() || level < 0 || level > 22)
    throw Error(ErrorCode::Invalid, "--output: compression-level=" + value + " (want a number, 0-9 for gzip, 0-22 for zstd)");
  return level;
}

std::vector<std::string> parse_names(const std::string& value) {
  std::vector<std::string> names;
  for (const std::string& n : csv_fields(value))
    if (!n.empty()) names.push_back(parse_tag_ref(n).ref_name());  // a bad name fails before building
  return names;
}

// The attributes only image outputs (image, registry, oci, docker) take.
void image_attribute(BuildOutput& out, const std::string& key, const std::string& value) {
  if (key == "name") out.names = parse_names(value);
  else if (key == "compression") out.compression = parse_compression(value);
  else if (key == "compression-level") out.compression_level = parse_level(value);
  else if (key == "force-compression") out.force_compression = parse_bool(key, value);
  else if (key == "oci-mediatypes") out.oci_media_types = parse_bool(key, value);
  else if (key == "push" && (out.type == OutputType::Image || out.type == OutputType::Registry))
    out.push = parse_bool(key, value) || out.type == OutputType::Registry;
  else throw Error(ErrorCode::Invalid, "--output: unknown attribute \"" + key + "\"");
}

void check_output(BuildOutput& out, const std::string& type) {
  if (needs_dest(out.type) && out.dest.empty())
    throw Error(ErrorCode::Invalid, "--output type=" + type + " needs dest=PATH (or dest=- for stdout)");
  if (out.type == OutputType::Local && out.to_stdout())
    throw Error(ErrorCode::Invalid, "--output type=local needs a directory; use type=tar,dest=- for stdout");
  if (out.compression == Compression::Zstd && out.oci_media_types == false) {
    out.warnings.push_back("--output type=" + type + ": zstd needs OCI media types; oci-mediatypes=false is ignored");
    out.oci_media_types = true;
  }
}

}  // namespace

std::optional<exporter::ConvertOptions> BuildOutput::conversion(Compression build_compression) const {
  bool docker_types = oci_media_types == false;  // OCI media types are what the build wrote
  if (!compression && !compression_level && !force_compression && !docker_types) return std::nullopt;
  exporter::ConvertOptions o;
  if (compression || compression_level || force_compression)
    o.compression = exporter::CompressionOptions{compression.value_or(build_compression), compression_level.value_or(0), 0};
  // The layers were compressed at the default level when they were made.
  o.force_compression = force_compression || compression_level.has_value();
  o.oci_media_types = !docker_types;
  return o;
}

BuildOutput parse_build_output(const std::string& spec) {
  if (spec.empty()) throw Error(ErrorCode::Invalid, "--output needs a value");
  if (spec == "-") return make_output(OutputType::Tar, "-");
  if (spec.find('=') == std::string::npos) return make_output(OutputType::Local, spec);
  auto attrs = split_attributes(spec);
  std::string type;
  for (const auto& [key, value] : attrs)
    if (key == "type") type = value;
  if (type.empty()) throw Error(ErrorCode::Invalid, "--output \"" + spec + "\" needs type=...");
  auto known = kTypes.find(type);
  if (known == kTypes.end())
    throw Error(ErrorCode::Invalid, "--output: unknown type \"" + type +
                                        "\" (want image, oci, docker, local, tar or registry)");
  BuildOutput out = make_output(known->second, "");
  try {
    for (const auto& [key, value] : attrs) {
      if (key == "type") continue;
      if (key == "dest" && !needs_dest(out.type)) throw Error(ErrorCode::Invalid, "type=" + type + " takes no dest");
      if (key == "dest") out.dest = value;
      else if (out.is_image()) image_attribute(out, key, value);
      else throw Error(ErrorCode::Invalid, "--output: unknown attribute \"" + key + "\"");
    }
  } catch (const Error& e) {
    throw Error(ErrorCode::Invalid, e.message() + " in \"" + spec + "\"");
  }
  check_output(out, type);
  return out;
}

std::vector<BuildOutput> plan_outputs(const std::vector<std::string>& specs, bool push, bool have_tags) {
  std::vector<BuildOutput> outputs;
  for (const auto& s : specs) outputs.push_back(parse_build_output(s));
  if (outputs.empty()) outputs.push_back(make_output(OutputType::Image, ""));
  if (push) {  // --push: the image outputs push too (their name= or the -t names), else a type=registry
    bool any = false;
    for (auto& o : outputs)
      if (o.type == OutputType::Image || o.type == OutputType::Registry) o.push = any = true;
    if (!any) outputs.push_back(make_output(OutputType::Registry, ""));
  }
  int stdout_users = 0;
  for (const auto& o : outputs) {
    if (o.to_stdout()) ++stdout_users;
    if (o.push && !have_tags && o.names.empty())
      throw Error(ErrorCode::Invalid, "pushing needs a name: give -t REGISTRY/NAME:TAG or name= in --output");
  }
  if (stdout_users > 1) throw Error(ErrorCode::Invalid, "only one --output can use dest=- (stdout)");
  return outputs;
}

bool writes_stdout(const std::vector<BuildOutput>& outputs) {
  for (const auto& o : outputs)
    if (o.to_stdout()) return true;
  return false;
}

void add_output_flags(CLI::App* sub, OutputFlags& f) {
  sub->add_option("-o,--output", f.outputs,
                  "type=image|oci|docker|local|tar|registry[,dest=PATH|-][,name=N,...][,push=true]"
                  "[,compression=uncompressed|gzip|zstd][,compression-level=N][,oci-mediatypes=false], "
                  "DIR (local) or - (tar to stdout)");
  sub->add_flag("--push", f.push, "push the image to its names (-t, or name= of the image outputs): push=true");
  sub->add_option("--metadata-file", f.metadata_file, "write the build result (digests, names) as JSON");
  sub->add_flag("-q,--quiet", f.quiet, "print only the image digest, no progress");
  sub->add_option("--jobs", f.jobs, "at most N stages at once (default: the number of CPUs)")
      ->check(CLI::PositiveNumber);
  add_registry_flags(sub, f.registry);
}

}  // namespace ocbuild::cli
