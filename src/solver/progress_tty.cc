#include <cstdio>

#include "ocbuild/solver/progress_sinks.h"

namespace ocbuild::solver {
namespace {

constexpr size_t kNameWidth = 64;

// Output of a step may contain escapes and carriage returns that would
// break the redraw: keep printable bytes only.
std::string printable(std::string_view line) {
  std::string s;
  for (char c : line) s += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

std::string padded(std::string text, const std::string& right) {
  if (text.size() > kNameWidth) text = text.substr(0, kNameWidth - 3) + "...";
  text.resize(kNameWidth + 1, ' ');
  return text + right;
}

}  // namespace

TtyProgress::TtyProgress(std::ostream& out, std::chrono::milliseconds interval)
    : out_(out), interval_(interval), build_start_(std::chrono::steady_clock::now()) {}

TtyProgress::~TtyProgress() {
  std::lock_guard lock(mu_);
  redraw(true);
}

void TtyProgress::render_step(const Step& s, std::chrono::steady_clock::time_point now,
                              std::vector<std::string>& lines) const {
  const char* prefix = s.state == State::Cached ? "CACHED " : s.state == State::Failed ? "ERROR " : "";
  auto d = s.state == State::Running ? now - s.started : s.duration;
  lines.push_back(padded(" => " + std::string(prefix) + s.name, format_duration(d)));
  if (s.state == State::Running || s.state == State::Failed) {
    for (const auto& t : s.tail) lines.push_back(" => => # " + t);
  }
  if (s.state == State::Failed) lines.push_back(" => ERROR: " + s.error);
}

std::vector<std::string> TtyProgress::render() const {
  auto now = std::chrono::steady_clock::now();
  size_t finished = committed_;
  for (const auto& [id, s] : steps_) finished += s.state != State::Running;
  std::vector<std::string> lines;
  lines.push_back("[+] Building " + format_duration(now - build_start_) + " (" + std::to_string(finished) + "/" +
                  std::to_string(committed_ + steps_.size()) + ")");
  for (const auto& [id, s] : steps_) render_step(s, now, lines);
  lines.insert(lines.end(), footer_.begin(), footer_.end());
  return lines;
}

// Moves back over what was drawn, clears to the end of the screen and
// draws again; throttled unless a step changed state. Finished steps ahead
// of every running one are printed for good above the redrawn region, so
// the region stays small however long the build is.
void TtyProgress::redraw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < interval_) return;
  last_draw_ = now;
  std::string buf;
  if (drawn_lines_ > 0) buf += "\x1b[" + std::to_string(drawn_lines_) + "A";
  buf += "\r\x1b[J";
  std::vector<std::string> permanent;
  while (!steps_.empty() && steps_.begin()->second.state != State::Running) {
    render_step(steps_.begin()->second, now, permanent);
    steps_.erase(steps_.begin());
    ++committed_;
  }
  for (const auto& l : permanent) buf += l + "\n";
  auto lines = render();
  for (const auto& l : lines) buf += l + "\n";
  drawn_lines_ = lines.size();
  out_ << buf << std::flush;
}

void TtyProgress::step_started(int step, const std::string& name) {
  std::lock_guard lock(mu_);
  steps_[step] = Step{name, State::Running, std::chrono::steady_clock::now(), {}, {}, {}};
  redraw(true);
}

void TtyProgress::step_cached(int step) {
  std::lock_guard lock(mu_);
  steps_[step].state = State::Cached;
  steps_[step].tail.clear();
  redraw(true);
}

void TtyProgress::step_finished(int step, std::chrono::nanoseconds duration) {
  std::lock_guard lock(mu_);
  Step& s = steps_[step];
  s.state = State::Done;
  s.duration = duration;
  s.tail.clear();  // collapsed when done
  redraw(true);
}

void TtyProgress::step_failed(int step, const std::string& error) {
  std::lock_guard lock(mu_);
  Step& s = steps_[step];
  s.state = State::Failed;
  s.duration = std::chrono::steady_clock::now() - s.started;
  s.error = printable(error);
  redraw(true);
}

void TtyProgress::step_output(int step, std::string_view line) {
  std::lock_guard lock(mu_);
  Step& s = steps_[step];
  s.tail.push_back(printable(line));
  while (s.tail.size() > kTailLines) s.tail.pop_front();
  redraw(false);
}

void TtyProgress::warning(const std::string& message, const std::optional<SourceRange>& where) {
  std::lock_guard lock(mu_);
  std::string at = where && !where->file.empty() ? where->file + ":" + std::to_string(where->line) + ": " : "";
  footer_.push_back("WARNING: " + at + printable(message));
  redraw(true);
}

void TtyProgress::image_done(const Digest& digest, const std::vector<std::string>& tags) {
  std::lock_guard lock(mu_);
  footer_.push_back(" => writing image " + digest.str());
  for (const auto& t : tags) footer_.push_back(" => naming to " + t);
  redraw(true);
}

}  // namespace ocbuild::solver
