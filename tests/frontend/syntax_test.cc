// Syntax-tree behaviours beyond the upstream corpus.
#include <gtest/gtest.h>

#include "ocbuild/frontend/line_parsers.h"
#include "ocbuild/frontend/syntax.h"

using namespace ocbuild::frontend;

TEST(Syntax, BomIsIgnored) {
  SyntaxTree t = parse_syntax("\xEF\xBB\xBF# escape=`\nFROM a\nRUN a `\n b\n", "D");
  EXPECT_EQ(t.escape, '`');
  EXPECT_EQ(dump(t), "(from \"a\")\n(run \"a  b\")\n");
}

TEST(Syntax, DirectivesStopAtFirstOtherLine) {
  SyntaxTree t = parse_syntax("# syntax=x\n\n# escape=`\nFROM a\n", "D");
  ASSERT_EQ(t.directives.size(), 1u);
  EXPECT_EQ(t.escape, '\\');
  SyntaxTree c = parse_syntax("# CHECK=skip=all\n# Syntax = y\nFROM a\n", "D");
  ASSERT_EQ(c.directives.size(), 2u);
  EXPECT_EQ(c.directives[0].name, "check");
  EXPECT_EQ(c.directives[0].value, "skip=all");
  EXPECT_EQ(c.directives[1].line, 2);
}

TEST(Syntax, HeredocsCrlfTabsAndFd) {
  SyntaxTree t = parse_syntax("FROM a\r\nRUN 3<<-EOF cat <<'B'\r\n\tx\r\n\tEOF\r\n$y\r\nB\r\nUSER u\n", "D");
  ASSERT_EQ(t.nodes.size(), 3u);
  const auto& h = t.nodes[1].heredocs;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].fd, 3u);
  EXPECT_TRUE(h[0].chomp);
  EXPECT_EQ(h[0].content, "\tx\r\n");
  EXPECT_EQ(h[1].name, "B");
  EXPECT_FALSE(h[1].expand);
  EXPECT_EQ(h[1].content, "$y\r\n");
  EXPECT_EQ(t.nodes[1].range.end_line, 6);
  EXPECT_EQ(t.nodes[2].range.line, 7);
}

TEST(Syntax, NoHeredocsInJsonFormOrOtherInstructions) {
  SyntaxTree t = parse_syntax("FROM a\nRUN [\"<<EOF\"]\nUSER <<EOF\nEOF\n", "D");
  EXPECT_TRUE(t.nodes[1].heredocs.empty());
  EXPECT_TRUE(t.nodes[2].heredocs.empty());
  EXPECT_EQ(t.nodes.size(), 4u);  // the EOF line is an (unknown) instruction here
}

TEST(Syntax, FlagsQuotesAndDoubleDash) {
  SyntaxTree t = parse_syntax("RUN --a=\"b c\" --d -- --e x\n", "D");
  EXPECT_EQ(t.nodes[0].flags, (std::vector<std::string>{"--a=b c", "--d"}));
  EXPECT_EQ(t.nodes[0].args, std::vector<std::string>{"--e x"});
}

TEST(Syntax, ContinuationAtEofAndEscapedEscape) {
  SyntaxTree t = parse_syntax("FROM a\nRUN echo \\\\\nRUN b \\", "D");
  ASSERT_EQ(t.nodes.size(), 3u);
  EXPECT_EQ(t.nodes[1].args[0], "echo \\\\");
  EXPECT_EQ(t.nodes[2].args[0], "b");
}

TEST(Syntax, HealthcheckAndOnbuildNodes) {
  SyntaxTree t = parse_syntax("HEALTHCHECK --retries=2 CMD [\"a\"]\nONBUILD --x=1 ADD a b\n", "D");
  EXPECT_EQ(dump(t), "(healthcheck [\"--retries=2\"] \"CMD\" \"a\")\n(onbuild [\"--x=1\"] (add \"a\" \"b\"))\n");
  EXPECT_TRUE(t.nodes[0].json);
}

TEST(GoQuote, Escapes) {
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\x01\x7f\t\xC2\xA0\xC3\xA9"), "\"\\x01\\x7f\\t\\u00a0\xC3\xA9\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
  EXPECT_EQ(go_quote("\xF3\xA0\x80\x81"), "\"\\U000e0001\"");
}

TEST(SplitWhitespace, KeepsEmptyEdges) {
  EXPECT_TRUE(split_whitespace("").empty());
  EXPECT_EQ(split_whitespace("a \t b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_whitespace("a\nb c"), (std::vector<std::string>{"a\nb", "c"}));
}
