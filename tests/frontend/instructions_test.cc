// One test per instruction and per flag of the typed lowering.
#include <gtest/gtest.h>

#include "frontend/test_helpers.h"
#include "ocbuild/frontend/ast.h"

using namespace ocbuild::frontend;
using ocbuild::frontend::testing::lower_line;

TEST(From, ImagePlatformAndStage) {
  Ast ast = parse("FROM --platform=linux/arm64 alpine:3.19 AS Build\n", "Dockerfile");
  auto from = std::get<FromInstruction>(ast.instructions[0].value);
  EXPECT_EQ(from.image, "alpine:3.19");
  EXPECT_EQ(from.platform, "linux/arm64");
  EXPECT_EQ(from.stage_name, "build");
  auto plain = std::get<FromInstruction>(parse("from busybox\n", "D").instructions[0].value);
  EXPECT_EQ(plain.image, "busybox");
  EXPECT_FALSE(plain.platform);
  EXPECT_FALSE(plain.stage_name);
  EXPECT_EQ(std::get<FromInstruction>(parse("FROM a as x.y_z-1\n", "D").instructions[0].value).stage_name, "x.y_z-1");
}

TEST(Run, ShellFormExecFormAndHeredoc) {
  auto shell = lower_line<RunInstruction>("RUN echo  hi \\\n  there");
  EXPECT_EQ(shell.command, std::vector<std::string>{"echo  hi   there"});
  EXPECT_FALSE(shell.json);
  auto exec = lower_line<RunInstruction>(R"(RUN ["sh", "-c", "echo hi"])");
  EXPECT_EQ(exec.command, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_TRUE(exec.json);
  Ast ast = parse("FROM a\nRUN <<EOF\necho one\nEOF\n", "D");
  auto run = std::get<RunInstruction>(ast.instructions[1].value);
  ASSERT_EQ(run.heredocs.size(), 1u);
  EXPECT_EQ(run.heredocs[0].content, "echo one\n");
  EXPECT_EQ(ast.instructions[1].node.range.line, 2);
  EXPECT_EQ(ast.instructions[1].node.range.end_line, 4);
}

TEST(Run, NetworkAndSecurity) {
  auto run = lower_line<RunInstruction>("RUN --network=none --security=insecure true");
  EXPECT_EQ(run.network, NetworkMode::kNone);
  EXPECT_EQ(run.security, SecurityMode::kInsecure);
  EXPECT_EQ(lower_line<RunInstruction>("RUN --network=host true").network, NetworkMode::kHost);
  EXPECT_EQ(lower_line<RunInstruction>("RUN true").network, NetworkMode::kDefault);
}

TEST(Run, MountTypes) {
  auto run = lower_line<RunInstruction>(
      "RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip,mode=0755,uid=1,gid=2 "
      "--mount=type=bind,from=build,source=/out,target=/in,rw "
      "--mount=type=tmpfs,target=/tmp,size=64m "
      "--mount=type=secret,id=token,required "
      "--mount=type=ssh "
      "--mount=target=/src true");
  ASSERT_EQ(run.mounts.size(), 6u);
  const Mount& cache = run.mounts[0];
  EXPECT_EQ(cache.type, MountType::kCache);
  EXPECT_EQ(cache.target, "/root/.cache");
  EXPECT_EQ(cache.sharing, CacheSharing::kLocked);
  EXPECT_EQ(cache.id, "pip");
  EXPECT_EQ(cache.mode, 0755u);
  EXPECT_EQ(cache.uid, 1u);
  EXPECT_EQ(cache.gid, 2u);
  const Mount& bind = run.mounts[1];
  EXPECT_EQ(bind.from, "build");
  EXPECT_EQ(bind.source, "/out");
  EXPECT_FALSE(bind.readonly);
  EXPECT_EQ(run.mounts[2].size, 64ull * 1024 * 1024);
  EXPECT_EQ(run.mounts[3].target, "/run/secrets/token");
  EXPECT_TRUE(run.mounts[3].required);
  EXPECT_EQ(run.mounts[4].id, "default");
  EXPECT_EQ(run.mounts[5].type, MountType::kBind);
  EXPECT_TRUE(run.mounts[5].readonly);  // bind mounts are read-only by default
}

TEST(Mount, DefaultsAndQuotedFields) {
  Mount m = parse_mount("type=cache,target=/x");
  EXPECT_EQ(m.id, "/x");
  EXPECT_FALSE(m.readonly);
  Mount q = parse_mount("\"type=bind\",\"target=/a,b\",ro=false");
  EXPECT_EQ(q.target, "/a,b");
  EXPECT_FALSE(q.readonly);
  Mount s = parse_mount("type=secret,target=/etc/key");
  EXPECT_EQ(s.id, "key");
  Mount e = parse_mount("type=secret,id=tok,env=TOKEN");
  EXPECT_EQ(e.env, "TOKEN");
}

TEST(CmdEntrypointShell, Forms) {
  auto cmd = lower_line<CmdInstruction>(R"(CMD ["a", "b"])");
  EXPECT_TRUE(cmd.json);
  EXPECT_EQ(cmd.command.size(), 2u);
  EXPECT_TRUE(lower_line<CmdInstruction>("CMD []").command.empty());
  auto ep = lower_line<EntrypointInstruction>("ENTRYPOINT exec top -b");
  EXPECT_FALSE(ep.json);
  EXPECT_EQ(ep.command, std::vector<std::string>{"exec top -b"});
  auto sh = lower_line<ShellInstruction>(R"(SHELL ["/bin/bash", "-c"])");
  EXPECT_EQ(sh.shell, (std::vector<std::string>{"/bin/bash", "-c"}));
}

TEST(EnvLabel, BothForms) {
  auto env = lower_line<EnvInstruction>(R"(ENV A=1 B="two words" C=)");
  ASSERT_EQ(env.vars.size(), 3u);
  EXPECT_EQ(env.vars[1].key, "B");
  EXPECT_EQ(env.vars[1].value, "\"two words\"");  // raw: quotes removed at expansion
  EXPECT_EQ(env.vars[2].value, "");
  auto legacy = lower_line<EnvInstruction>("ENV PATH /usr/bin:/bin  extra");
  ASSERT_EQ(legacy.vars.size(), 1u);
  EXPECT_EQ(legacy.vars[0].value, "/usr/bin:/bin  extra");
  auto label = lower_line<LabelInstruction>("LABEL a=b c=d");
  EXPECT_EQ(label.labels.size(), 2u);
}

TEST(Arg, SeveralWithAndWithoutDefaults) {
  auto arg = lower_line<ArgInstruction>(R"(ARG A B=2 C="x y" D=)");
  ASSERT_EQ(arg.args.size(), 4u);
  EXPECT_FALSE(arg.args[0].value);
  EXPECT_EQ(arg.args[1].value, "2");
  EXPECT_EQ(arg.args[2].value, "\"x y\"");
  EXPECT_EQ(arg.args[3].value, "");
  Ast ast = parse("ARG VERSION=1\nFROM alpine:${VERSION}\n", "D");
  EXPECT_EQ(std::get<FromInstruction>(ast.instructions[1].value).image, "alpine:${VERSION}");
}

TEST(Copy, AllFlags) {
  auto copy = lower_line<CopyInstruction>(
      "COPY --from=build --chown=1:2 --chmod=0644 --link --parents --exclude=*.md --exclude=.git a b /dst/");
  EXPECT_EQ(copy.sources, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(copy.dest, "/dst/");
  EXPECT_EQ(copy.from, "build");
  EXPECT_EQ(copy.chown, "1:2");
  EXPECT_EQ(copy.chmod, "0644");
  EXPECT_TRUE(copy.link);
  EXPECT_TRUE(copy.parents);
  EXPECT_EQ(copy.exclude, (std::vector<std::string>{"*.md", ".git"}));
  auto json = lower_line<CopyInstruction>(R"(COPY ["a b", "/c"])");
  EXPECT_TRUE(json.json);
  EXPECT_EQ(json.sources, std::vector<std::string>{"a b"});
  EXPECT_FALSE(lower_line<CopyInstruction>("COPY --link=false a b").link);
  EXPECT_EQ(lower_line<CopyInstruction>("COPY --chmod=u+x,g-w a b").chmod, "u+x,g-w");
}

TEST(Copy, HeredocSources) {
  Ast ast = parse("FROM a\nCOPY <<A <<-B /dir/\nhello\nA\n\tworld\n\tB\n", "D");
  auto copy = std::get<CopyInstruction>(ast.instructions[1].value);
  EXPECT_EQ(copy.sources, (std::vector<std::string>{"<<A", "<<-B"}));
  ASSERT_EQ(copy.heredocs.size(), 2u);
  EXPECT_EQ(copy.heredocs[1].content, "\tworld\n");
  EXPECT_TRUE(copy.heredocs[1].chomp);
  EXPECT_EQ(chomp_heredoc_content(copy.heredocs[1].content), "world\n");
}

TEST(Add, AllFlags) {
  std::string sum(64, 'a');
  auto add = lower_line<AddInstruction>("ADD --chown=app --chmod=755 --link --keep-git-dir=true --checksum=sha256:" +
                                        sum + " --exclude=x https://example.com/a.tgz /opt/");
  EXPECT_EQ(add.chown, "app");
  EXPECT_EQ(add.chmod, "755");
  EXPECT_TRUE(add.link);
  EXPECT_TRUE(add.keep_git_dir);
  EXPECT_EQ(add.checksum, "sha256:" + sum);
  EXPECT_EQ(add.exclude, std::vector<std::string>{"x"});
  EXPECT_EQ(add.dest, "/opt/");
}

TEST(Simple, ExposeVolumeUserWorkdirStopsignalMaintainer) {
  EXPECT_EQ(lower_line<ExposeInstruction>("EXPOSE 80/tcp 53/udp").ports.size(), 2u);
  EXPECT_EQ(lower_line<VolumeInstruction>(R"(VOLUME ["/a", "/b"])").paths.size(), 2u);
  EXPECT_EQ(lower_line<VolumeInstruction>("VOLUME /a /b").paths.size(), 2u);
  EXPECT_EQ(lower_line<UserInstruction>("USER app:app").user, "app:app");
  EXPECT_EQ(lower_line<WorkdirInstruction>("WORKDIR /a b").path, "/a b");
  EXPECT_EQ(lower_line<StopSignalInstruction>("STOPSIGNAL SIGKILL").signal, "SIGKILL");
  EXPECT_EQ(lower_line<MaintainerInstruction>("MAINTAINER Jane <j@x>").name, "Jane <j@x>");
}

TEST(Onbuild, KeepsTrigger) {
  auto on = lower_line<OnbuildInstruction>("ONBUILD RUN --mount=type=cache,target=/x echo hi");
  EXPECT_EQ(on.expression, "RUN --mount=type=cache,target=/x echo hi");
  Ast ast = parse("FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nUSER x\n", "D");
  ASSERT_EQ(ast.instructions.size(), 3u);
  EXPECT_EQ(std::get<OnbuildInstruction>(ast.instructions[1].value).expression, "RUN <<EOF\necho hi\nEOF");
  EXPECT_EQ(ast.instructions[1].node.heredocs.size(), 1u);
}

TEST(Healthcheck, CmdAndNone) {
  auto hc = lower_line<HealthcheckInstruction>(
      "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=5s --start-interval=500ms --retries=3 CMD curl -f x");
  EXPECT_EQ(hc.test, (std::vector<std::string>{"CMD-SHELL", "curl -f x"}));
  EXPECT_EQ(hc.interval_ns, 30'000'000'000LL);
  EXPECT_EQ(hc.timeout_ns, 90'000'000'000LL);
  EXPECT_EQ(hc.start_period_ns, 5'000'000'000LL);
  EXPECT_EQ(hc.start_interval_ns, 500'000'000LL);
  EXPECT_EQ(hc.retries, 3);
  auto exec = lower_line<HealthcheckInstruction>(R"(HEALTHCHECK CMD ["true", "x"])");
  EXPECT_EQ(exec.test, (std::vector<std::string>{"CMD", "true", "x"}));
  EXPECT_EQ(lower_line<HealthcheckInstruction>("HEALTHCHECK NONE").test, std::vector<std::string>{"NONE"});
}

TEST(Duration, GoSyntax) {
  EXPECT_EQ(parse_go_duration("0"), 0);
  EXPECT_EQ(parse_go_duration("1h2m3.5s"), 3723'500'000'000LL);
  EXPECT_EQ(parse_go_duration("1.5us"), 1500);
  EXPECT_EQ(parse_go_duration("-2ms"), -2'000'000);
  EXPECT_THROW(parse_go_duration("5"), ocbuild::Error);
  EXPECT_THROW(parse_go_duration("5d"), ocbuild::Error);
  EXPECT_THROW(parse_go_duration(""), ocbuild::Error);
}

TEST(Ast, DirectivesEscapeWarnings) {
  Ast ast = parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo \\ `\n\n  hi\n", "D");
  ASSERT_EQ(ast.directives.size(), 2u);
  EXPECT_EQ(ast.directives[0].name, "syntax");
  EXPECT_EQ(ast.directives[1].line, 2);
  EXPECT_EQ(ast.escape, '`');
  ASSERT_EQ(ast.instructions.size(), 2u);
  EXPECT_EQ(std::get<RunInstruction>(ast.instructions[1].value).command[0], "echo \\   hi");
  EXPECT_EQ(ast.warnings.size(), 1u);
  EXPECT_EQ(ast.instructions[1].node.range.end_line, 6);
}

TEST(Syntax, ContinuationCommentsAndCrlf) {
  SyntaxTree t = parse_syntax("FROM a\r\nRUN a \\\r\n# c\r\n  b\r\n", "D");
  ASSERT_EQ(t.nodes.size(), 2u);
  EXPECT_EQ(t.nodes[1].args[0], "a   b");
  EXPECT_TRUE(t.warnings.empty());
  EXPECT_EQ(t.nodes[1].range.end_line, 4);
}
