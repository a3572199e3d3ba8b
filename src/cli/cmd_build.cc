// `ocbuild build [-t TAG]... [-f FILE] [--build-arg K=V]... [--target T]
// [--label K=V]... [--secret id=..] [--ssh default] [--no-cache] [--no-cache-filter STAGE]... [--explain] [--pull] [--progress MODE] [--source-date-epoch N]
// [--iidfile F] [--snapshotter auto|overlay|native] [-o OUTPUT]... [--push]
// [--metadata-file F] [-q] [--jobs N] CONTEXT|-`: parse, plan, solve, then
// write the outputs (build_output.h; inputs from stdin: build_input.h). The
// image digest goes to stdout (stderr when an output uses stdout); a failed
// build tags nothing (tags are written only after the image is complete).
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "cli/build_input.h"
#include "cli/build_metadata.h"
#include "cli/build_output.h"
#include "cli/command.h"
#include "cli/layer_flags.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/image_ref.h"
#include "ocbuild/core/lease.h"
#include "ocbuild/frontend/ast.h"
#include "ocbuild/frontend/build_plan.h"
#include "ocbuild/snapshot/ssh_agent.h"
#include "ocbuild/solver/build_context.h"
#include "ocbuild/solver/cache_store.h"
#include "ocbuild/solver/image_resolver.h"
#include "ocbuild/solver/progress.h"
#include "ocbuild/solver/scheduler.h"
#include "ocbuild/solver/solver.h"

namespace ocbuild::cli {
namespace {

struct BuildArgs {
  std::string context;
  std::string file;
  std::vector<std::string> tags;
  std::vector<std::string> build_args;
  std::vector<std::string> labels;
  std::vector<std::string> secrets;
  std::vector<std::string> ssh;
  std::optional<std::string> target;
  std::optional<std::string> platform;
  bool no_cache = false;
  std::vector<std::string> no_cache_filter;
  bool explain = false;
  bool pull = false;
  std::string progress = "auto";
  std::string iidfile;
  std::string snapshotter = "auto";
  LayerFlags layer;
  OutputFlags out;
};

std::map<std::string, std::string> parse_build_args(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& kv : items) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      // docker takes the value from the environment for a bare name
      if (const char* v = std::getenv(kv.c_str())) out[kv] = v;
      continue;
    }
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

frontend::BuildPlan make_plan(const BuildArgs& a, const std::string& dockerfile, solver::StoreImageResolver& resolver) {
  std::string text = read_file(dockerfile);
  frontend::Ast ast = frontend::parse(text, std::filesystem::path(dockerfile).filename().string());
  frontend::PlanOptions po;
  po.build_args = parse_build_args(a.build_args);
  po.target = a.target;
  if (a.platform) po.target_platform = frontend::parse_platform_spec(*a.platform);
  return frontend::plan(ast, po, resolver);
}

// What --explain compares with: the last build of the same context dir,
// Dockerfile and --target. A Dockerfile from stdin (-f -) has no path: it
// is "-", so the next `-f -` build of the same context explains its misses
// against this one, edits of the Dockerfile included (keying by its content
// would make every edit a "first build"). A context from stdin has no
// directory to name the target by: no record.
std::optional<solver::BuildId> build_id(const BuildArgs& a, const std::string& dockerfile) {
  if (a.context == "-") return std::nullopt;
  std::string file = a.file == "-" ? "-" : std::filesystem::absolute(dockerfile).lexically_normal().string();
  return solver::BuildId{std::filesystem::canonical(a.context).string(), file, a.target.value_or("")};
}

// --explain: one line per step, after the build.
void print_explanation(const std::vector<solver::StepReport>& steps, std::ostream& out) {
  out << "\ncache explanation:\n";
  for (const auto& s : steps) out << "  " << s.name << ": " << (s.cached ? "CACHED" : "ran: " + s.reason) << "\n";
}

// --progress plain: what reading the build context cost (the benchmark
// reports it apart from the whole build).
void print_context_stats(const solver::BuildContext::Stats& s, std::ostream& out) {
  auto ms = [](std::chrono::nanoseconds d) { return std::to_string(d.count() / 1000000) + "." +
                                                   std::to_string(d.count() / 100000 % 10) + " ms"; };
  out << "\ncontext: " << s.entries << " entries selected in " << ms(s.select) << ", " << s.files
      << " files hashed (" << s.read << " read) in " << ms(s.digest) << "\n";
}

// Only the host's platform can be built (RUN executes natively).
void check_platform(const std::optional<std::string>& spec) {
  if (!spec) return;
  Platform want = normalize_platform(frontend::parse_platform_spec(*spec)), host = normalize_platform(host_platform());
  if (want.os == host.os && want.architecture == host.architecture && platform_matches(host, want)) return;
  throw Error(ErrorCode::Invalid, "--platform " + *spec + ": only the host platform " + platform_string(host) +
                                      " can be built");
}

void finish(const BuildArgs& a, ContentStore& store, const Descriptor& manifest, const std::vector<std::string>& refs,
            const std::vector<BuildOutput>& outputs) {
  OutputResult written = write_outputs(store, manifest, outputs, refs, a.out.registry,
                                       a.layer.to_options().compression.compression);
  if (!a.iidfile.empty()) write_file_atomic(a.iidfile, manifest.digest.str());
  if (!a.out.metadata_file.empty()) {
    // The image an output wrote (it differs from the build's when an output converted it).
    Descriptor image = written.exported.value_or(manifest);
    write_metadata_file(a.out.metadata_file,
                        {image, read_image(store, image).manifest.config.digest, a.tags, written.pushed});
  }
}

void run_build(BuildArgs& a, const GlobalOptions& g) {
  if (a.out.quiet) a.progress = "quiet";
  check_platform(a.platform);
  auto mode = solver::parse_progress_mode(a.progress);
  if (!mode) throw Error(ErrorCode::Invalid, "unknown --progress mode \"" + a.progress + "\"");
  auto driver = snapshot::parse_driver(a.snapshotter);
  if (!driver) throw Error(ErrorCode::Invalid, "unknown --snapshotter \"" + a.snapshotter + "\"");
  std::vector<std::string> refs;
  for (const auto& t : a.tags) refs.push_back(parse_tag_ref(t).ref_name());  // bad tags fail before building
  std::vector<BuildOutput> outputs = plan_outputs(a.out.outputs, a.out.push, !refs.empty());
  std::ostream& result_out = writes_stdout(outputs) ? std::cerr : std::cout;

  ContentStore store(g.store_root());
  BuildInput input = open_build_input(a.context, a.file, store.root(), STDIN_FILENO);
  const std::string& dockerfile = input.dockerfile;
  // What the build relies on or writes, kept from prune and rmi (lease.h).
  store.attach_lease(std::make_shared<Lease>(store.root()));
  solver::StoreImageResolver resolver(store, a.pull);
  frontend::BuildPlan plan = make_plan(a, dockerfile, resolver);
  auto progress = solver::make_progress_sink(*mode, std::cerr, STDERR_FILENO, result_out);
  for (const auto& w : plan.warnings) progress->warning(w.message, w.range);

  solver::BuildContext& context = *input.context;
  solver::DiskCacheStore cache(store.root(), [&store](const Digest& d) { return store.hold(d); });
  solver::SolveOptions options;
  options.no_cache = a.no_cache;
  options.no_cache_filter = a.no_cache_filter;
  options.build_id = build_id(a, dockerfile);
  for (const auto& kv : a.labels) {
    auto eq = kv.find('=');
    options.labels[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  exporter::LayerWriteOptions lo = a.layer.to_options();
  options.source_date_epoch = lo.source_date_epoch;
  options.compression = lo.compression;
  options.driver = *driver;
  options.secrets = snapshot::parse_secret_flags(a.secrets);
  options.ssh = snapshot::parse_ssh_flags(a.ssh);
  std::vector<snapshot::SshAgent> agents = snapshot::start_ssh_agents(options.ssh);  // killed when the build ends
  options.jobs = a.out.jobs;
  solver::Solver solver(store, cache, context, *progress, options);
  std::stop_source stop;
  solver::SignalStopper on_signal(stop);  // Ctrl-C kills the running step; nothing is tagged
  solver::SolveResult result = solver.solve(plan, stop.get_token());
  context.save_stat_cache();
  if (*mode == solver::ProgressMode::Plain) print_context_stats(context.stats(), std::cerr);

  finish(a, store, result.manifest, refs, outputs);
  progress->image_done(result.manifest.digest, refs);
  if (a.explain) print_explanation(result.steps, std::cerr);
  if (*mode != solver::ProgressMode::Quiet) result_out << result.manifest.digest.str() << "\n";
}

RegisterCommand reg("build", [](CLI::App& app, GlobalOptions& g) {
  auto a = std::make_shared<BuildArgs>();
  auto* sub = app.add_subcommand("build", "build an image from a Dockerfile and a context directory");
  sub->add_option("context", a->context, "build context directory, or - for a tar (or a Dockerfile) on stdin")
      ->required();
  sub->add_option("-t,--tag", a->tags, "name[:tag] for the image (repeatable)");
  sub->add_option("-f,--file", a->file, "the Dockerfile (default: CONTEXT/Dockerfile; - for stdin)");
  sub->add_option("--build-arg", a->build_args, "K=V build argument (repeatable)");
  sub->add_option("--label", a->labels, "K=V label on the image (repeatable)");
  sub->add_option("--secret", a->secrets, "id=ID[,src=PATH|,env=VAR]: a secret for RUN --mount=type=secret");
  sub->add_option("--ssh", a->ssh, "default|ID=SOCKET|ID=KEY[,KEY]: an ssh agent (or keys) for RUN --mount=type=ssh");
  sub->add_option("--target", a->target, "the stage to build (default: the last)");
  sub->add_option("--platform", a->platform, "target platform (default: the host's)");
  sub->add_flag("--no-cache", a->no_cache, "run every step, reusing nothing");
  sub->add_option("--no-cache-filter", a->no_cache_filter, "run every step of this stage (repeatable)");
  sub->add_flag("--explain", a->explain, "after the build, say why each step ran or was cached");
  sub->add_flag("--pull", a->pull, "check the registry for newer base images");
  sub->add_option("--progress", a->progress, "auto, plain, tty, json or quiet");
  sub->add_option("--iidfile", a->iidfile, "write the image digest to this file");
  sub->add_option("--snapshotter", a->snapshotter, "auto, overlay or native");
  a->layer.add_to(*sub);
  add_output_flags(sub, a->out);
  sub->callback([a, &g] { run_build(*a, g); });
});

}  // namespace
}  // namespace ocbuild::cli
