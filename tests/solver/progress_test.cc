#include "ocbuild/solver/progress.h"

#include <unistd.h>

#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ocbuild/solver/progress_sinks.h"
#include "ocbuild/solver/recording_progress.h"

namespace ocbuild::solver {
namespace {

using namespace std::chrono_literals;

void script(ProgressSink& p) {
  p.step_started(1, "[internal] load build definition from Dockerfile");
  p.step_finished(1, 100ms);
  p.step_started(2, "[build 1/3] FROM busybox");
  p.step_cached(2);
  p.step_started(3, "[build 2/3] RUN make");
  p.step_output(3, "cc -o app main.c");
  p.step_finished(3, 1234ms);
  p.warning("JSON arguments recommended for CMD", SourceRange{"Dockerfile", 4, 1, 4, 10});
  p.step_started(4, "[build 3/3] RUN false");
  p.step_failed(4, "process exited with status 1");
  p.image_done(Digest::of("img"), {"app:latest"});
}

TEST(PlainProgress, LooksLikeBuildx) {
  std::ostringstream out;
  PlainProgress p(out);
  script(p);
  std::string text = out.str();
  for (const char* want : {"#1 [internal] load build definition from Dockerfile\n#1 DONE 0.1s\n",
                           "#2 [build 1/3] FROM busybox\n#2 CACHED\n",
                           "#3 [build 2/3] RUN make\n#3 cc -o app main.c\n#3 DONE 1.2s\n",
                           "WARNING: Dockerfile:4: JSON arguments recommended for CMD\n",
                           "#4 ERROR: process exited with status 1\n", "#5 naming to app:latest done\n"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n--- in ---\n" << text;
  }
}

TEST(PlainProgress, RepeatsTheHeaderWhenStepsInterleave) {
  std::ostringstream out;
  PlainProgress p(out);
  p.step_started(1, "[a 1/1] RUN x");
  p.step_started(2, "[b 1/1] RUN y");
  p.step_output(1, "from a");
  EXPECT_NE(out.str().find("#1 [a 1/1] RUN x\n#1 from a\n"), std::string::npos) << out.str();
}

TEST(JsonProgress, OneObjectPerLine) {
  std::ostringstream out;
  JsonProgress p(out);
  script(p);
  std::istringstream in(out.str());
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(in, line);) events.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(events.size(), 11u);
  EXPECT_EQ(events[0]["event"], "started");
  EXPECT_EQ(events[3]["event"], "cached");
  EXPECT_EQ(events[6]["duration_ms"], 1234);
  EXPECT_EQ(events[7]["where"]["line"], 4);
  EXPECT_EQ(events[10]["tags"][0], "app:latest");
}

TEST(QuietProgress, PrintsOnlyTheDigest) {
  std::ostringstream out;
  QuietProgress p(out);
  script(p);
  EXPECT_EQ(out.str(), Digest::of("img").str() + "\n");
}

TEST(TtyProgress, RedrawsInPlaceAndCollapsesDoneSteps) {
  std::ostringstream out;
  {
    TtyProgress p(out, 0ms);
    p.step_started(1, "[build 1/2] RUN make");
    p.step_output(1, "compiling\x1b[31m red");
    std::string mid = out.str();
    EXPECT_NE(mid.find(" => => # compiling [31m red"), std::string::npos) << mid;  // escapes neutralized
    p.step_finished(1, 2s);
    p.step_started(2, "[build 2/2] COPY . /");
    p.step_cached(2);
  }
  // A running step keeps its output under it while later ones finish.
  std::ostringstream out2;
  {
    TtyProgress p(out2, 0ms);
    p.step_started(1, "[a 1/1] RUN long");
    p.step_output(1, "still going");
    p.step_started(2, "[b 1/1] RUN short");
    p.step_finished(2, 1s);
    std::string frame = out2.str().substr(out2.str().rfind("[+] Building"));
    EXPECT_NE(frame.find("still going"), std::string::npos) << frame;
    EXPECT_NE(frame.find("(1/2)"), std::string::npos) << frame;
    p.step_finished(1, 3s);
  }
  std::string text = out.str();
  EXPECT_NE(text.find("\x1b["), std::string::npos);  // cursor movement
  auto last = text.rfind("[+] Building");
  ASSERT_NE(last, std::string::npos);
  std::string final_frame = text.substr(last);
  EXPECT_NE(final_frame.find("(2/2)"), std::string::npos) << final_frame;
  EXPECT_EQ(final_frame.find("compiling"), std::string::npos) << final_frame;  // collapsed
  // Done steps scroll up for good: printed once, never redrawn.
  auto cached = text.find(" => CACHED [build 2/2] COPY . /");
  ASSERT_NE(cached, std::string::npos) << text;
  EXPECT_EQ(text.find(" => CACHED [build 2/2] COPY . /", cached + 1), std::string::npos) << text;
  EXPECT_LT(cached, last);
  EXPECT_NE(text.find("RUN make"), std::string::npos);
  auto done_line = text.find(" => [build 1/2] RUN make");
  ASSERT_NE(done_line, std::string::npos);
  EXPECT_NE(text.find("2.0s", done_line), std::string::npos) << text;
}

TEST(RecordingProgress, ThreadSafeUnderParallelSteps) {
  RecordingProgress p;
  std::vector<std::thread> threads;
  for (int t = 1; t <= 4; ++t) {
    threads.emplace_back([&p, t] {
      p.step_started(t, "step");
      for (int i = 0; i < 500; ++i) p.step_output(t, "line");
      p.step_finished(t, 1ms);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(p.events().size(), 4u * 502u);
}

TEST(Progress, ModesAndFactory) {
  EXPECT_EQ(parse_progress_mode("plain"), ProgressMode::Plain);
  EXPECT_EQ(parse_progress_mode("rawjson"), ProgressMode::Json);
  EXPECT_FALSE(parse_progress_mode("fancy"));
  std::ostringstream out, quiet;
  // A pipe is not a terminal: auto is plain.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto sink = make_progress_sink(ProgressMode::Auto, out, fds[0], quiet);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_NE(dynamic_cast<PlainProgress*>(sink.get()), nullptr);
  EXPECT_EQ(format_duration(1250ms), "1.2s");  // buildx rounds like %.1f
}

}  // namespace
}  // namespace ocbuild::solver
