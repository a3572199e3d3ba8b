#pragma once
// A ProgressSink that records every event, for tests. Thread safe.
#include <mutex>

#include "ocbuild/solver/progress.h"

namespace ocbuild::solver {

struct ProgressEvent {
  enum class Kind { Started, Cached, Finished, Failed, Output, Warning, ImageDone };
  Kind kind = Kind::Started;
  int step = 0;
  std::string text;  // name, error, output line, warning message or digest
  std::chrono::nanoseconds duration{0};
  std::optional<SourceRange> where;
  std::vector<std::string> tags;
};

class RecordingProgress : public ProgressSink {
 public:
  using Kind = ProgressEvent::Kind;
  void step_started(int step, const std::string& name) override { add(event(Kind::Started, step, name)); }
  void step_cached(int step) override { add(event(Kind::Cached, step, "")); }
  void step_finished(int step, std::chrono::nanoseconds d) override {
    ProgressEvent e = event(Kind::Finished, step, "");
    e.duration = d;
    add(std::move(e));
  }
  void step_failed(int step, const std::string& error) override { add(event(Kind::Failed, step, error)); }
  void step_output(int step, std::string_view line) override { add(event(Kind::Output, step, std::string(line))); }
  void warning(const std::string& message, const std::optional<SourceRange>& where) override {
    ProgressEvent e = event(Kind::Warning, 0, message);
    e.where = where;
    add(std::move(e));
  }
  void image_done(const Digest& digest, const std::vector<std::string>& tags) override {
    ProgressEvent e = event(Kind::ImageDone, 0, digest.str());
    e.tags = tags;
    add(std::move(e));
  }
  std::vector<ProgressEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  static ProgressEvent event(Kind kind, int step, std::string text) {
    ProgressEvent e;
    e.kind = kind;
    e.step = step;
    e.text = std::move(text);
    return e;
  }
  void add(ProgressEvent e) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }
  mutable std::mutex mu_;
  std::vector<ProgressEvent> events_;
};

}  // namespace ocbuild::solver
