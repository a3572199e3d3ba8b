#pragma once
// The ProgressSink implementations. Each writes to a std::ostream it does
// not own (which must outlive it) and serializes its writes with a mutex.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <ostream>

#include "ocbuild/solver/progress.h"

namespace ocbuild::solver {

// buildx --progress=plain: "#3 [build 2/4] RUN make", "#3 <output>",
// "#3 CACHED", "#3 DONE 1.2s", "#3 ERROR: ...".
class PlainProgress : public ProgressSink {
 public:
  explicit PlainProgress(std::ostream& out) : out_(out) {}
  void step_started(int step, const std::string& name) override;
  void step_cached(int step) override;
  void step_finished(int step, std::chrono::nanoseconds duration) override;
  void step_failed(int step, const std::string& error) override;
  void step_output(int step, std::string_view line) override;
  void warning(const std::string& message, const std::optional<SourceRange>& where) override;
  void image_done(const Digest& digest, const std::vector<std::string>& tags) override;

 private:
  void header_if_interleaved(int step);
  std::mutex mu_;
  std::ostream& out_;
  std::map<int, std::string> names_;
  int last_step_ = 0;
  int max_step_ = 0;
};

// One JSON object per line: {"event":"started","step":3,"name":"..."}.
class JsonProgress : public ProgressSink {
 public:
  explicit JsonProgress(std::ostream& out) : out_(out) {}
  void step_started(int step, const std::string& name) override;
  void step_cached(int step) override;
  void step_finished(int step, std::chrono::nanoseconds duration) override;
  void step_failed(int step, const std::string& error) override;
  void step_output(int step, std::string_view line) override;
  void warning(const std::string& message, const std::optional<SourceRange>& where) override;
  void image_done(const Digest& digest, const std::vector<std::string>& tags) override;

 private:
  void emit(const std::string& line);
  std::mutex mu_;
  std::ostream& out_;
};

// Only the final image digest, on its own line.
class QuietProgress : public ProgressSink {
 public:
  explicit QuietProgress(std::ostream& out) : out_(out) {}
  void step_started(int, const std::string&) override {}
  void step_cached(int) override {}
  void step_finished(int, std::chrono::nanoseconds) override {}
  void step_failed(int, const std::string&) override {}
  void step_output(int, std::string_view) override {}
  void warning(const std::string&, const std::optional<SourceRange>&) override {}
  void image_done(const Digest& digest, const std::vector<std::string>& tags) override;

 private:
  std::mutex mu_;
  std::ostream& out_;
};

// buildx's tty view: a header, one line per step redrawn in place with ANSI
// escapes, the last lines of output under each running step (collapsed when
// it is done). Redraws at most every `interval` for output lines. Steps
// finished ahead of all running ones scroll up and are not redrawn.
class TtyProgress : public ProgressSink {
 public:
  explicit TtyProgress(std::ostream& out, std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~TtyProgress() override;
  void step_started(int step, const std::string& name) override;
  void step_cached(int step) override;
  void step_finished(int step, std::chrono::nanoseconds duration) override;
  void step_failed(int step, const std::string& error) override;
  void step_output(int step, std::string_view line) override;
  void warning(const std::string& message, const std::optional<SourceRange>& where) override;
  void image_done(const Digest& digest, const std::vector<std::string>& tags) override;

  static constexpr size_t kTailLines = 6;

 private:
  enum class State { Running, Cached, Done, Failed };
  struct Step {
    std::string name;
    State state = State::Running;
    std::chrono::steady_clock::time_point started;
    std::chrono::nanoseconds duration{0};
    std::deque<std::string> tail;
    std::string error;
  };
  void redraw(bool force);
  void render_step(const Step& s, std::chrono::steady_clock::time_point now, std::vector<std::string>& lines) const;
  std::vector<std::string> render() const;
  std::mutex mu_;
  std::ostream& out_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point build_start_, last_draw_;
  std::map<int, Step> steps_;
  std::vector<std::string> footer_;  // warnings and the final image
  size_t drawn_lines_ = 0;
  size_t committed_ = 0;  // finished steps printed above the region
};

}  // namespace ocbuild::solver
