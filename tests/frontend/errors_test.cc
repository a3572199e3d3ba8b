// Every error path of the parser and the lowering, with its message and line.
#include <gtest/gtest.h>

#include "frontend/test_helpers.h"
#include "ocbuild/frontend/ast.h"
#include "ocbuild/frontend/line_parsers.h"

using namespace ocbuild::frontend;
using ocbuild::frontend::testing::parse_error;

namespace {

struct ErrorCase {
  const char* name;
  const char* text;
  const char* message;  // exact
  int line;
};

class ParseErrors : public ::testing::TestWithParam<ErrorCase> {};

const ErrorCase kCases[] = {
    {"NoInstructions", "# only a comment\n\n", "file with no instructions", 2},
    {"Empty", "", "file with no instructions", 0},
    {"RepeatedDirective", "# escape=`\n# escape=\\\nFROM a\n", "only one escape parser directive can be used", 2},
    {"BadEscape", "# escape=x\nFROM a\n", "invalid escape token 'x' does not match ` or \\", 1},
    {"NonStringJson", "FROM a\nCMD [\"a\", 1]\n", "when using JSON array syntax, arrays must be comprised of strings only", 2},
    {"EnvNoValue", "FROM a\nENV PATH\n", "ENV must have two arguments", 2},
    {"LabelNoEquals", "FROM a\nLABEL a=b c\n", "Syntax error - can't find = in \"c\". Must be of the form: name=value", 2},
    {"UnterminatedHeredoc", "FROM a\nRUN <<EOF\necho\n", "unterminated heredoc EOF", 2},
    {"UnknownInstruction", "FROM a\nFORM b\n", "unknown instruction: FORM (did you mean FROM?)", 2},
    {"UnknownInstructionNoHint", "FROM a\nXYZZYQ b\n", "unknown instruction: XYZZYQ", 2},
    {"UnknownFlag", "FROM a\n\n\n\n\n\nCOPY --chwon=1 a b\n", "unknown flag --chwon for COPY (did you mean --chown?)", 7},
    {"UnknownFlagNoHint", "FROM a\nRUN --zzzzzzzz=1 true\n", "unknown flag --zzzzzzzz for RUN", 2},
    {"FlagOnEnv", "FROM a\nENV --x=1 A=b\n", "unknown flag --x for ENV", 2},
    {"DuplicateFlag", "FROM a\nCOPY --from=a --from=b x y\n", "duplicate flag specified: --from", 2},
    {"MissingFlagValue", "FROM a\nCOPY --from x y\n", "missing a value on flag --from for COPY", 2},
    {"BadBoolFlag", "FROM a\nCOPY --link=maybe x y\n", "expecting boolean value for flag --link, not: maybe", 2},
    {"FromArgs", "FROM a b\n", "FROM requires either one or three arguments", 1},
    {"FromNoAs", "FROM a BY b\n", "FROM with three arguments needs AS as the second, not \"BY\"", 1},
    {"FromBadStage", "FROM a AS 1st\n", "invalid name for build stage: \"1st\", name can't start with a number or contain symbols", 1},
    {"FromPlatformEmpty", "FROM --platform= a\n", "missing a value on flag --platform for FROM", 1},
    {"RunEmpty", "FROM a\nRUN\n", "RUN requires at least one argument", 2},
    {"RunNetwork", "FROM a\nRUN --network=bridge x\n", "unsupported network mode \"bridge\" (expected default, none or host)", 2},
    {"RunSecurity", "FROM a\nRUN --security=root x\n", "unsupported security mode \"root\" (expected sandbox or insecure)", 2},
    {"MountType", "FROM a\nRUN --mount=type=nfs,target=/x x\n", "--mount=type=nfs,target=/x: unsupported mount type \"nfs\"", 2},
    {"MountKey", "FROM a\nRUN --mount=type=bind,target=/x,color=red x\n", "--mount=type=bind,target=/x,color=red: unexpected key 'color' in mount option", 2},
    {"MountNoTarget", "FROM a\nRUN --mount=type=cache x\n", "--mount=type=cache: mount type cache requires a target", 2},
    {"MountSharing", "FROM a\nRUN --mount=type=cache,target=/x,sharing=all x\n", "--mount=type=cache,target=/x,sharing=all: unsupported sharing value \"all\"", 2},
    {"MountSharingOnBind", "FROM a\nRUN --mount=target=/x,sharing=locked x\n", "--mount=target=/x,sharing=locked: sharing is not supported for mount type bind", 2},
    {"MountMode", "FROM a\nRUN --mount=type=cache,target=/x,mode=999 x\n", "--mount=type=cache,target=/x,mode=999: invalid value for mode: 999", 2},
    {"MountBool", "FROM a\nRUN --mount=target=/x,ro=perhaps x\n", "--mount=target=/x,ro=perhaps: invalid value for ro: perhaps", 2},
    {"MountSize", "FROM a\nRUN --mount=type=tmpfs,target=/x,size=lots x\n", "--mount=type=tmpfs,target=/x,size=lots: invalid size for tmpfs mount: lots", 2},
    {"MountSecretNoId", "FROM a\nRUN --mount=type=secret x\n", "--mount=type=secret: secret mount requires an id or a target", 2},
    {"MountNoValue", "FROM a\nRUN --mount=target=/x,id x\n", "--mount=target=/x,id: unexpected key 'id' in mount option (expected key=value)", 2},
    {"MountQuote", "FROM a\nRUN --mount='target=/a\"b' x\n", "--mount=target=/a\"b: bare \" in non-quoted mount field: target=/a\"b", 2},
    {"CopyOneArg", "FROM a\nCOPY x\n", "COPY requires at least two arguments, but only one was provided. Destination could not be determined.", 2},
    {"AddNoArg", "FROM a\nADD\n", "ADD requires at least two arguments", 2},
    {"CopyHeredocDest", "FROM a\nCOPY x <<EOF\nhi\nEOF\n", "COPY cannot use a heredoc as the destination", 2},
    {"CopyChmod", "FROM a\nCOPY --chmod=999 x y\n", "invalid --chmod value \"999\" (expected octal like 0755 or symbolic like u+x)", 2},
    {"AddChecksum", "FROM a\nADD --checksum=md5:abc x y\n", "invalid --checksum \"md5:abc\" (expected sha256:<64 hex digits>)", 2},
    {"AddParents", "FROM a\nADD --parents x y\n", "unknown flag --parents for ADD", 2},
    {"ShellNotJson", "FROM a\nSHELL /bin/sh -c\n", "SHELL requires the arguments to be in JSON form", 2},
    {"ShellEmpty", "FROM a\nSHELL []\n", "SHELL requires at least one argument", 2},
    {"ExposeEmpty", "FROM a\nEXPOSE\n", "EXPOSE requires at least one argument", 2},
    {"VolumeEmptyString", "FROM a\nVOLUME [\"\"]\n", "VOLUME specified can not be an empty string", 2},
    {"UserEmpty", "FROM a\nUSER\n", "USER requires exactly one argument", 2},
    {"WorkdirEmpty", "FROM a\nWORKDIR\n", "WORKDIR requires exactly one argument", 2},
    {"StopsignalEmpty", "FROM a\nSTOPSIGNAL\n", "STOPSIGNAL requires exactly one argument", 2},
    {"MaintainerEmpty", "FROM a\nMAINTAINER\n", "MAINTAINER requires exactly one argument", 2},
    {"ArgEmpty", "FROM a\nARG\n", "ARG requires at least one argument", 2},
    {"ArgBlankName", "FROM a\nARG =x\n", "ARG names can not be blank", 2},
    {"EnvBlankName", "FROM a\nENV =x\n", "ENV names can not be blank", 2},
    {"LabelEmpty", "FROM a\nLABEL\n", "LABEL requires at least one argument", 2},
    {"OnbuildEmpty", "FROM a\nONBUILD\n", "ONBUILD requires at least one argument", 2},
    {"OnbuildOnbuild", "FROM a\nONBUILD ONBUILD RUN x\n", "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 2},
    {"OnbuildFrom", "FROM a\nONBUILD FROM b\n", "FROM isn't allowed as an ONBUILD trigger", 2},
    {"OnbuildMaintainer", "FROM a\nONBUILD MAINTAINER me\n", "MAINTAINER isn't allowed as an ONBUILD trigger", 2},
    {"OnbuildBadTrigger", "FROM a\nONBUILD COPY --chwon=1 a b\n", "unknown flag --chwon for COPY (did you mean --chown?)", 2},
    {"HealthcheckEmpty", "FROM a\nHEALTHCHECK\n", "HEALTHCHECK requires at least one argument", 2},
    {"HealthcheckType", "FROM a\nHEALTHCHECK RUN x\n", "unknown type \"RUN\" in HEALTHCHECK (try CMD)", 2},
    {"HealthcheckNoneArgs", "FROM a\nHEALTHCHECK NONE x\n", "HEALTHCHECK NONE takes no arguments", 2},
    {"HealthcheckNoCmd", "FROM a\nHEALTHCHECK CMD\n", "missing command after HEALTHCHECK CMD", 2},
    {"HealthcheckInterval", "FROM a\nHEALTHCHECK --interval=10 CMD x\n", "--interval: time: missing unit in duration \"10\"", 2},
    {"HealthcheckTiny", "FROM a\nHEALTHCHECK --timeout=10us CMD x\n", "--timeout cannot be less than 1ms (10us)", 2},
    {"HealthcheckNegative", "FROM a\nHEALTHCHECK --start-period=-1s CMD x\n", "--start-period cannot be negative (-1s)", 2},
    {"HealthcheckRetries", "FROM a\nHEALTHCHECK --retries=-1 CMD x\n", "--retries cannot be negative (-1)", 2},
    {"HealthcheckRetriesNaN", "FROM a\nHEALTHCHECK --retries=two CMD x\n", "--retries: invalid number \"two\"", 2},
    // An unbalanced quote hides the heredoc (as in BuildKit): the body is parsed as instructions.
    {"HeredocQuote", "FROM a\nRUN <<'EOF\nx\n", "unknown instruction: x", 3},
};

}  // namespace

TEST_P(ParseErrors, MessageAndLocation) {
  const ErrorCase& c = GetParam();
  ocbuild::Error e = parse_error(c.text);
  EXPECT_EQ(e.code(), ocbuild::ErrorCode::Parse);
  EXPECT_EQ(e.message(), c.message);
  ASSERT_TRUE(e.where().has_value());
  EXPECT_EQ(e.where()->file, "Dockerfile");
  EXPECT_EQ(e.where()->line, c.line);
  std::string what = e.what();
  EXPECT_EQ(what.rfind("Dockerfile:", 0), 0u) << what;
}

INSTANTIATE_TEST_SUITE_P(All, ParseErrors, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ErrorFormat, QuotesTheLineWithColumn) {
  ocbuild::Error e = parse_error("FROM a\n\n\n\n\n\nCOPY --chwon=1 a b\n");
  EXPECT_EQ(std::string(e.what()),
            "Dockerfile:7:6: unknown flag --chwon for COPY (did you mean --chown?)\n  7 | COPY --chwon=1 a b");
  ocbuild::Error syntax = parse_error("FROM a\n  CMD [1]\n");
  EXPECT_EQ(syntax.where()->column, 3);
  EXPECT_NE(std::string(syntax.what()).find("2 |   CMD [1]"), std::string::npos);
}

TEST(ErrorFormat, UnterminatedHeredocSpansToEnd) {
  ocbuild::Error e = parse_error("FROM a\nRUN <<EOF\nx\ny\n");
  EXPECT_EQ(e.where()->line, 2);
  EXPECT_EQ(e.where()->end_line, 4);
}

TEST(SyntaxLayer, KeepsUnknownInstructionsAndFlags) {
  SyntaxTree t = parse_syntax("FOO bar\nCOPY --chwon=1 a b\n", "D");
  EXPECT_EQ(dump(t), "(foo \"\")\n(copy [\"--chwon=1\"] \"a\" \"b\")\n");
}
