#include "snapshot/output_pump.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ocbuild::snapshot {
namespace {

using ::testing::ElementsAre;

TEST(OutputPumpTest, SplitsLinesPerStreamAcrossChunks) {
  std::vector<std::string> lines;
  OutputFn fn = [&](std::string_view l, bool err) { lines.push_back((err ? "E:" : "O:") + std::string(l)); };
  OutputPump pump(fn, 2);
  pump.feed("hel", 3, false);
  pump.feed("par", 3, true);
  pump.feed("lo\nwor", 6, false);
  pump.feed("tial\r\n", 6, true);
  pump.feed("ld", 2, false);
  pump.finish();
  EXPECT_THAT(lines, ElementsAre("O:hello", "E:partial", "O:world"));
  EXPECT_THAT(pump.tail(), ElementsAre("partial", "world"));
}

}  // namespace
}  // namespace ocbuild::snapshot
