// ARG and ENV scoping in the build plan, rule by rule (BuildKit's semantics).
#include "plan_helpers.h"

namespace ocbuild::frontend {
namespace {
using namespace testing;

PlanOptions with_args(std::map<std::string, std::string> args) {
  PlanOptions o;
  o.build_args = std::move(args);
  return o;
}

TEST(PlanScope, GlobalArgIsVisibleOnlyToFrom) {
  FakeResolver r;
  r.images["busybox:1.36"] = r.images["busybox"];
  BuildPlan p = plan(parse("ARG V=1.36\nFROM busybox:$V\nLABEL l=\"[$V]\"\nRUN true\n", "Dockerfile"), {}, r);
  EXPECT_EQ(target_stage(p).base_image, "busybox:1.36");
  EXPECT_EQ(label(p, "l"), "[]");
  EXPECT_EQ(run_env(find_step(target_stage(p), "run"), "V"), "<unset>");
}

TEST(PlanScope, GlobalArgRedeclaredWithoutValueImportsIt) {
  const char* text = "ARG V=global\nFROM scratch\nARG V\nLABEL l=$V\nRUN true\n";
  BuildPlan p = plan_text(text);
  EXPECT_EQ(label(p, "l"), "global");
  EXPECT_EQ(run_env(find_step(target_stage(p), "run"), "V"), "global");
  EXPECT_EQ(label(plan_text(text, with_args({{"V", "cli"}})), "l"), "cli");
}

TEST(PlanScope, GlobalArgsExpandInOrder) {
  BuildPlan p = plan_text("ARG A=x\nARG B=$A-y\nFROM scratch\nARG B\nLABEL b=$B\n");
  EXPECT_EQ(label(p, "b"), "x-y");
  EXPECT_EQ(p.global_args.at("B"), "x-y");
}

TEST(PlanScope, BuildArgOverridesDefault) {
  const char* text = "FROM scratch\nARG X=default\nLABEL x=$X\n";
  EXPECT_EQ(label(plan_text(text), "x"), "default");
  EXPECT_EQ(label(plan_text(text, with_args({{"X", "given"}})), "x"), "given");
  EXPECT_EQ(label(plan_text(text, with_args({{"X", ""}})), "x"), "");
}

TEST(PlanScope, DefaultIsNotEvaluatedWhenBuildArgGiven) {
  const char* text = "FROM scratch\nARG FOO\nARG BAR=${FOO:?\"foo missing\"}\n";
  Error e = plan_error(text);
  EXPECT_NE(e.message().find("FOO: foo missing"), std::string::npos) << e.message();
  ASSERT_TRUE(e.where());
  EXPECT_EQ(e.where()->line, 3);
  EXPECT_NO_THROW(plan_text(text, with_args({{"BAR", "1"}})));
  EXPECT_NO_THROW(plan_text(text, with_args({{"FOO", "1"}})));
}

TEST(PlanScope, GlobalDefaultErrorIsLocated) {
  Error e = plan_error("\nARG FOO=${FOO:?\"custom error\"}\nFROM scratch\n");
  EXPECT_NE(e.message().find("FOO: custom error"), std::string::npos);
  ASSERT_TRUE(e.where());
  EXPECT_EQ(e.where()->line, 2);
}

TEST(PlanScope, EnvShadowsArgWhateverTheOrder) {
  BuildPlan p = plan_text("FROM scratch\nARG X=arg\nENV X=env\nLABEL a=$X\nARG X=arg2\nLABEL b=$X\nRUN true\n",
                          with_args({{"X", "cli"}}));
  EXPECT_EQ(label(p, "a"), "env");
  EXPECT_EQ(label(p, "b"), "env");
  const Step& run = find_step(target_stage(p), "run");
  EXPECT_TRUE(run.run_args.empty());
  EXPECT_EQ(run_env(run, "X"), "env");
}

TEST(PlanScope, ArgsReachRunButNotTheImageConfig) {
  BuildPlan p = plan_text("FROM scratch\nARG A=1\nARG B=\nARG C\nRUN true\n");
  const Step& run = find_step(target_stage(p), "run");
  EXPECT_EQ(run_env(run, "A"), "1");
  EXPECT_EQ(run_env(run, "B"), "");
  EXPECT_EQ(run_env(run, "C"), "<unset>");
  ASSERT_EQ(run.run_args.size(), 2u);
  EXPECT_EQ(run.run_args[0].key, "A");
  EXPECT_EQ(target_stage(p).config.config.env, std::vector<std::string>{std::string("PATH=") + kDefaultPath});
}

TEST(PlanScope, EnvPairsExpandWithTheScopeBeforeTheLine) {
  BuildPlan p = plan_text("FROM scratch\nENV a=1\nENV a=2 b=$a\nENV c=\"${a}${b}\"\n");
  auto env = target_stage(p).config.config.env;
  EXPECT_EQ(env, (std::vector<std::string>{std::string("PATH=") + kDefaultPath, "a=2", "b=1", "c=21"}));
}

TEST(PlanScope, UnusedBuildArgIsAWarning) {
  BuildPlan p = plan_text("ARG G\nFROM scratch AS a\nARG INA\nFROM scratch\nARG USED\n",
                          with_args({{"USED", "1"}, {"G", "1"}, {"INA", "1"}, {"NOPE", "1"}, {"http_proxy", "x"}}));
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0].detail, "INA, NOPE");  // stage a is not built
  EXPECT_NE(p.warnings[0].message.find("[INA, NOPE]"), std::string::npos);
  EXPECT_TRUE(plan_text("FROM scratch\nARG X\n", with_args({{"X", "1"}})).warnings.empty());
}

TEST(PlanScope, PlatformArgsMustBeDeclaredInTheStage) {
  PlanOptions o;
  o.target_platform = parse_platform_spec("linux/arm/v7");
  o.build_platform = parse_platform_spec("linux/amd64");
  BuildPlan p = plan_text("FROM scratch\nLABEL a=\"[$TARGETARCH]\"\nARG TARGETARCH TARGETPLATFORM BUILDOS\n"
                          "ARG TARGETVARIANT BUILDPLATFORM\nLABEL b=$TARGETARCH c=$TARGETPLATFORM d=$BUILDOS "
                          "e=$TARGETVARIANT f=$BUILDPLATFORM\n",
                          o);
  EXPECT_EQ(label(p, "a"), "[]");
  EXPECT_EQ(label(p, "b"), "arm");
  EXPECT_EQ(label(p, "c"), "linux/arm/v7");
  EXPECT_EQ(label(p, "d"), "linux");
  EXPECT_EQ(label(p, "e"), "v7");
  EXPECT_EQ(label(p, "f"), "linux/amd64");
  EXPECT_EQ(target_stage(p).config.architecture, "arm");
}

TEST(PlanScope, PlatformArgsInFrom) {
  PlanOptions o;
  o.target_platform = parse_platform_spec("linux/arm64");
  o.build_platform = parse_platform_spec("linux/amd64");
  FakeResolver r;
  plan(parse("FROM --platform=$BUILDPLATFORM busybox\n", "Dockerfile"), o, r);
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(format_platform(r.calls[0].second), "linux/amd64");
  r.calls.clear();
  plan(parse("FROM busybox\n", "Dockerfile"), o, r);
  EXPECT_EQ(format_platform(r.calls.at(0).second), "linux/arm64");
}

TEST(PlanScope, ProxyArgsReachRunOnlyAndAreFlagged) {
  BuildPlan p = plan_text("FROM scratch\nARG FOO\nLABEL l=\"[$HTTP_PROXY]\"\nRUN true\n",
                          with_args({{"http_proxy", "hp"}, {"NO_PROXY", "np"}, {"FOO", "f"}}));
  const Step& run = find_step(target_stage(p), "run");
  EXPECT_EQ(run_env(run, "HTTP_PROXY"), "hp");
  EXPECT_EQ(run_env(run, "http_proxy"), "hp");
  EXPECT_EQ(run_env(run, "NO_PROXY"), "np");
  EXPECT_EQ(run_env(run, "no_proxy"), "np");
  EXPECT_EQ(run_env(run, "HTTPS_PROXY"), "<unset>");
  ASSERT_EQ(run.run_args.size(), 1u);  // only FOO enters the cache key
  EXPECT_EQ(run.run_args[0].key, "FOO");
  EXPECT_EQ(run.proxy_env.size(), 4u);
  EXPECT_EQ(label(p, "l"), "[]");
  EXPECT_TRUE(p.warnings.empty());
}

TEST(PlanScope, BaseImageEnvStartsTheStage) {
  FakeResolver r;
  r.images["img"].config.env = {"PATH=/img/bin", "LANG=C"};
  BuildPlan p = plan(parse("FROM img\nENV X=$LANG:$PATH\n", "Dockerfile"), {}, r);
  EXPECT_EQ(target_stage(p).config.config.env,
            (std::vector<std::string>{"PATH=/img/bin", "LANG=C", "X=C:/img/bin"}));
}

TEST(PlanScope, FromStageInheritsEnvButNotArgs) {
  BuildPlan p = plan_text("FROM busybox AS a\nARG X=1\nENV E=e\nFROM a\nLABEL x=\"[$X]\" e=$E\nRUN true\n");
  EXPECT_EQ(label(p, "x"), "[]");
  EXPECT_EQ(label(p, "e"), "e");
  EXPECT_EQ(run_env(find_step(target_stage(p), "run"), "X"), "<unset>");
  EXPECT_EQ(target_stage(p).config.config.env, (std::vector<std::string>{"PATH=/bin:/usr/bin", "E=e"}));
}

TEST(PlanScope, TargetStageArg) {
  const char* text = "FROM scratch AS base\nLABEL a=\"[$TARGETSTAGE]\"\nARG TARGETSTAGE\nLABEL b=$TARGETSTAGE\n"
                     "FROM base AS foo\nFROM base\n";
  BuildPlan p = plan_text(text);
  EXPECT_EQ(target_stage(p).config.config.labels.at("b"), "default");
  EXPECT_EQ(target_stage(p).config.config.labels.at("a"), "[]");
  PlanOptions o;
  o.target = "FOO";
  EXPECT_EQ(plan_text(text, o).stages[0].config.config.labels.at("b"), "foo");
}

TEST(PlanScope, RunCommandsAreNeverExpanded) {
  BuildPlan p = plan_text("FROM scratch\nENV X=1\nRUN echo $X\nCMD echo $X\nENTRYPOINT [\"$X\"]\n");
  const auto& run = std::get<RunInstruction>(find_step(target_stage(p), "run").value);
  EXPECT_EQ(run.command, std::vector<std::string>{"echo $X"});
  EXPECT_EQ(target_stage(p).config.config.entrypoint, std::vector<std::string>{"$X"});
}

TEST(PlanScope, ExpandedInstructions) {
  BuildPlan p = plan_text("FROM scratch\nARG D=/dst U=1000 M=0755 P=\"80 90/udp\"\n"
                          "COPY --chown=$U:$U --chmod=0755 a$U $D/\nUSER $U\nEXPOSE $P\nVOLUME $D\n"
                          "STOPSIGNAL SIG$U\nWORKDIR $D\n");
  const Stage& s = target_stage(p);
  const auto& copy = std::get<CopyInstruction>(find_step(s, "copy").value);
  EXPECT_EQ(copy.sources, std::vector<std::string>{"a1000"});
  EXPECT_EQ(copy.dest, "/dst/");
  EXPECT_EQ(copy.chown, "1000:1000");
  EXPECT_EQ(copy.chmod, "0755");
  EXPECT_EQ(s.config.config.user, "1000");
  EXPECT_EQ(s.config.config.exposed_ports, (std::set<std::string>{"80/tcp", "90/udp"}));
  EXPECT_EQ(s.config.config.volumes, std::set<std::string>{"/dst"});
  EXPECT_EQ(s.config.config.stop_signal, "SIG1000");
  EXPECT_EQ(s.config.config.working_dir, "/dst");
}

TEST(PlanScope, ChmodFromAVariableIsCheckedAfterExpansion) {
  BuildPlan p = plan_text("FROM scratch\nARG M=0755\nADD --chmod=$M a /a\nCOPY --chmod=${M} a /b\n");
  const Stage& s = target_stage(p);
  EXPECT_EQ(std::get<AddInstruction>(find_step(s, "add").value).chmod, "0755");
  EXPECT_EQ(std::get<CopyInstruction>(find_step(s, "copy").value).chmod, "0755");
  Error e = plan_error("FROM scratch\nARG M=999\nCOPY --chmod=$M a /b\n");
  EXPECT_NE(e.message().find("invalid --chmod value \"999\" after expansion"), std::string::npos) << e.what();
  ASSERT_TRUE(e.where());
  EXPECT_EQ(e.where()->line, 3);
}

TEST(PlanScope, CopyHeredocBodiesAreChompedAndExpanded) {
  BuildPlan p = plan_text("FROM scratch\nARG N=w\nCOPY <<-EOF /a\n\tHi '$N'\n\tEOF\nCOPY <<'EOF' /b\n$N\nEOF\n");
  const Stage& s = target_stage(p);
  const auto& a = std::get<CopyInstruction>(find_step(s, "copy", 0).value);
  EXPECT_EQ(a.heredocs.at(0).content, "Hi 'w'\n");
  EXPECT_FALSE(a.heredocs.at(0).chomp);
  EXPECT_EQ(a.sources, std::vector<std::string>{"<<-EOF"});
  EXPECT_EQ(std::get<CopyInstruction>(find_step(s, "copy", 1).value).heredocs.at(0).content, "$N\n");
}

}  // namespace
}  // namespace ocbuild::frontend
