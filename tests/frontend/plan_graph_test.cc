// Stages, edges, target pruning, ONBUILD triggers and every planning error.
#include "plan_helpers.h"

namespace ocbuild::frontend {
namespace {
using namespace testing;

PlanOptions target(const std::string& t) {
  PlanOptions o;
  o.target = t;
  return o;
}

void expect_error(const std::string& text, const std::string& part, int line, const PlanOptions& o = {}) {
  Error e = plan_error(text, o);
  EXPECT_NE(e.message().find(part), std::string::npos) << e.message();
  if (line) {
    ASSERT_TRUE(e.where()) << e.message();
    EXPECT_EQ(e.where()->line, line) << e.message();
    EXPECT_EQ(e.where()->file, "Dockerfile");
  }
}

const char* kThree =
    "FROM busybox AS Build\nRUN make\nFROM scratch AS unused\nCOPY x y\n"
    "FROM scratch\nCOPY --from=BUILD /out /out\n";

TEST(PlanGraph, StagesBasesAndPruning) {
  BuildPlan p = plan_text(kThree);
  ASSERT_EQ(p.stages.size(), 3u);
  EXPECT_EQ(p.target, 2u);
  EXPECT_EQ(p.kept, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(p.stages[0].name, "build");
  EXPECT_EQ(p.stages[0].base_kind, BaseKind::kImage);
  EXPECT_EQ(p.stages[0].base_image, "busybox");
  EXPECT_EQ(p.stages[2].base_kind, BaseKind::kScratch);
  EXPECT_FALSE(p.stages[1].kept);
  EXPECT_TRUE(p.stages[1].steps.empty());
  const Step& copy = find_step(p.stages[2], "copy");
  EXPECT_EQ(copy.from, (InputRef{0, ""}));
  EXPECT_EQ(copy.range.line, 6);
  EXPECT_EQ(copy.original, "COPY --from=BUILD /out /out");
  ASSERT_EQ(p.edges.size(), 2u);
  EXPECT_EQ(p.edges[0].kind, EdgeKind::kFrom);
  EXPECT_EQ(p.edges[0].input.image, "busybox");
  EXPECT_EQ(p.edges[1].kind, EdgeKind::kCopyFrom);
  EXPECT_EQ(p.edges[1].stage, 2u);
}

TEST(PlanGraph, TargetByNameAnyCaseOrIndex) {
  EXPECT_EQ(plan_text(kThree, target("UNUSED")).kept, std::vector<size_t>{1});
  EXPECT_EQ(plan_text(kThree, target("0")).kept, std::vector<size_t>{0});
}

TEST(PlanGraph, UnknownTargetListsStagesAndSuggests) {
  Error e = plan_error("FROM scratch AS build\nFROM scratch AS test\nFROM scratch\n", target("bulid"));
  EXPECT_NE(e.message().find("target stage \"bulid\" could not be found (did you mean build?)"),
            std::string::npos) << e.message();
  EXPECT_NE(e.message().find("build, test, 2"), std::string::npos) << e.message();
  EXPECT_EQ(e.code(), ErrorCode::NotFound);
}

TEST(PlanGraph, FromStageAndIndexReferences) {
  BuildPlan p = plan_text("FROM scratch AS a\nENV A=1\nFROM A AS b\nCOPY --from=0 x y\nRUN --mount=from=a,target=/m true\n");
  EXPECT_EQ(p.stages[1].base_kind, BaseKind::kStage);
  EXPECT_EQ(p.stages[1].base_stage, 0u);
  EXPECT_EQ(find_step(p.stages[1], "copy").from, (InputRef{0, ""}));
  const Step& run = find_step(p.stages[1], "run");
  ASSERT_EQ(run.mount_from.size(), 1u);
  EXPECT_EQ(run.mount_from[0], (InputRef{0, ""}));
  ASSERT_EQ(p.edges.size(), 3u);
  EXPECT_EQ(p.edges[2].kind, EdgeKind::kMountFrom);
  EXPECT_EQ(p.kept, (std::vector<size_t>{0, 1}));
}

TEST(PlanGraph, StageNameShadowsImageAndUnknownNameIsImage) {
  BuildPlan p = plan_text("FROM busybox AS golang\nFROM scratch\nCOPY --from=golang a b\nCOPY --from=busybox c d\n");
  EXPECT_EQ(find_step(p.stages[1], "copy", 0).from, (InputRef{0, ""}));
  EXPECT_EQ(find_step(p.stages[1], "copy", 1).from, (InputRef{std::nullopt, "busybox"}));
}

TEST(PlanGraph, FromNamingItselfOrALaterStageIsAnImage) {
  FakeResolver r;
  r.images["node"] = r.images["busybox"];
  BuildPlan p = plan(parse("FROM node AS node\n", "Dockerfile"), {}, r);
  EXPECT_EQ(p.stages[0].base_kind, BaseKind::kImage);
}

TEST(PlanGraph, Errors) {
  expect_error("FROM scratch\nCOPY --from=later a b\nFROM scratch AS later\n",
               "cannot copy from stage \"later\", it needs to be defined before current stage \"0\"", 2, target("0"));
  expect_error("FROM scratch AS me\nCOPY --from=me a b\n", "circular dependency detected on stage: me", 2);
  expect_error("FROM scratch\nCOPY --from=1 a b\n", "invalid stage index 1", 2);
  expect_error("FROM scratch AS x\nFROM scratch AS X\n", "duplicate stage name \"x\" (first defined at line 1)", 2);
  expect_error("FROM scratch\nCOPY --from=$FOO . .\n", "variable expansion is not supported for --from", 2);
  expect_error("ARG foo=bar\n", "dockerfile contains no stages to build", 1);
  expect_error("ENV a=b\nFROM scratch\n", "no build stage in current context", 1);
  expect_error("FROM scratch\nFROM nosuch:tag\n", "failed to resolve base image \"nosuch:tag\"", 2);
  expect_error("ARG T\nFROM $T\n", "base name ($T) should not be blank", 2);
  expect_error("FROM scratch\nFROM --platform=linux/ busybox\n", "invalid platform", 2);
  expect_error("FROM scratch\nVOLUME \"\"\n", "VOLUME specified can not be an empty string", 2);
  expect_error("FROM scratch\nEXPOSE 80-70\n", "invalid port range", 2);
  expect_error("FROM scratch\nUSER ${U:?no user}\n", "U: no user", 2);
}

TEST(PlanGraph, ErrorsInPrunedStagesDoNotCount) {
  BuildPlan p = plan_text("FROM scratch AS broken\nCOPY --from=later a b\nUSER ${U:?x}\nFROM scratch AS later\n"
                          "FROM scratch\n");
  EXPECT_EQ(p.kept, std::vector<size_t>{2});
}

TEST(PlanGraph, OnbuildTriggersRunAfterFromOnce) {
  FakeResolver r;
  r.images["base"].config.on_build = {"ENV T=1", "COPY --from=helper a b"};
  BuildPlan p = plan(parse("FROM scratch AS helper\nFROM base AS b\nRUN x\nFROM b\nRUN y\n", "Dockerfile"), {}, r);
  const Stage& b = p.stages[1];
  ASSERT_EQ(b.steps.size(), 3u);
  EXPECT_EQ(b.steps[0].onbuild_trigger, "ENV T=1");
  EXPECT_EQ(b.steps[0].range.line, 2);
  EXPECT_EQ(b.steps[1].from, (InputRef{0, ""}));
  EXPECT_FALSE(b.steps[2].onbuild_trigger);
  EXPECT_TRUE(b.config.config.on_build.empty());
  EXPECT_EQ(p.stages[2].steps.size(), 1u);  // not re-run in the child stage
  EXPECT_EQ(p.kept, (std::vector<size_t>{0, 1, 2}));  // the trigger's --from keeps helper
}

TEST(PlanGraph, OnbuildInStageIsStoredInConfig) {
  BuildPlan p = plan_text("FROM scratch\nONBUILD RUN echo hi\n");
  EXPECT_EQ(target_stage(p).config.config.on_build, std::vector<std::string>{"RUN echo hi"});
}

TEST(PlanGraph, BadOnbuildTriggerIsLocatedAtFrom) {
  FakeResolver r;
  r.images["bad"].config.on_build = {"NOTANINSTRUCTION x"};
  r.images["bad2"].config.on_build = {"FROM scratch"};
  try {
    plan(parse("FROM scratch\n\nFROM bad\n", "Dockerfile"), {}, r);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.where()->line, 3);
    EXPECT_NE(e.message().find("ONBUILD trigger \"NOTANINSTRUCTION x\" of image bad"), std::string::npos)
        << e.message();
  }
  try {
    plan(parse("FROM bad2\n", "Dockerfile"), {}, r);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("isn't allowed as an ONBUILD trigger"), std::string::npos) << e.message();
  }
}

TEST(PlanGraph, WorkdirResolvesAgainstThePreviousOne) {
  BuildPlan p = plan_text("FROM scratch\nWORKDIR a\nWORKDIR b/../c\nRUN pwd\nWORKDIR /x/./y/\nWORKDIR ..\n");
  const Stage& s = target_stage(p);
  EXPECT_EQ(find_step(s, "run").state.working_dir, "/a/c");
  EXPECT_EQ(s.config.config.working_dir, "/x");
}

TEST(PlanGraph, ShellChangesLaterShellForms) {
  BuildPlan p = plan_text("FROM scratch\nRUN a\nCMD c1\nSHELL [\"/bin/bash\", \"-xc\"]\nRUN b\nCMD c2\n");
  const Stage& s = target_stage(p);
  EXPECT_EQ(find_step(s, "run", 0).state.shell, (std::vector<std::string>{"/bin/sh", "-c"}));
  EXPECT_EQ(find_step(s, "run", 1).state.shell, (std::vector<std::string>{"/bin/bash", "-xc"}));
  EXPECT_EQ(s.config.config.cmd, (std::vector<std::string>{"/bin/bash", "-xc", "c2"}));
}

TEST(PlanGraph, EntrypointClearsOnlyInheritedCmd) {
  BuildPlan p = plan_text("FROM scratch AS a\nCMD [\"x\"]\nFROM a\nENTRYPOINT [\"e\"]\n"
                          "FROM a\nCMD [\"y\"]\nENTRYPOINT [\"e\"]\n", target("1"));
  EXPECT_TRUE(p.stages[1].config.config.cmd.empty());
  BuildPlan q = plan_text("FROM scratch AS a\nCMD [\"x\"]\nFROM a\nCMD [\"y\"]\nENTRYPOINT [\"e\"]\n");
  EXPECT_EQ(q.stages[1].config.config.cmd, std::vector<std::string>{"y"});
}

TEST(PlanGraph, ScratchAndImageStartingState) {
  BuildPlan p = plan_text("FROM scratch\nRUN a\n");
  const Step& run = find_step(target_stage(p), "run");
  EXPECT_EQ(run.state.working_dir, "/");
  EXPECT_EQ(run.state.env, std::vector<std::string>{std::string("PATH=") + kDefaultPath});
  EXPECT_EQ(target_stage(p).config.config.working_dir, "/");
  BuildPlan q = plan_text("FROM busybox\nUSER 1\nRUN a\n");
  EXPECT_EQ(find_step(target_stage(q), "run").state.user, "1");
  EXPECT_EQ(target_stage(q).config.config.cmd, std::vector<std::string>{"sh"});
}

TEST(PlanGraph, PlatformStrings) {
  EXPECT_EQ(format_platform(parse_platform_spec("linux/aarch64")), "linux/arm64");
  EXPECT_EQ(format_platform(parse_platform_spec("linux/arm64/v8")), "linux/arm64");
  EXPECT_EQ(format_platform(parse_platform_spec("linux/arm")), "linux/arm/v7");
  EXPECT_EQ(format_platform(parse_platform_spec("amd64")), "linux/amd64");
  EXPECT_THROW(parse_platform_spec("linux//x"), Error);
  EXPECT_EQ(host_platform_spec().os, "linux");
}

}  // namespace
}  // namespace ocbuild::frontend
