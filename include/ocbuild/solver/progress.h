#pragma once
// Progress of a build, reported through a ProgressSink passed explicitly to
// whoever reports (never a global). Every step reports step_started first,
// then output lines, then exactly one of step_cached / step_finished /
// step_failed. Steps are numbered like buildx ("#3"). Every sink is thread
// safe: the steps of parallel stages report at once.
#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/digest.h"
#include "ocbuild/core/error.h"

namespace ocbuild::solver {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void step_started(int step, const std::string& name) = 0;  // "[build 2/4] RUN make"
  virtual void step_cached(int step) = 0;
  virtual void step_finished(int step, std::chrono::nanoseconds duration) = 0;
  virtual void step_failed(int step, const std::string& error) = 0;
  virtual void step_output(int step, std::string_view line) = 0;  // one line, no '\n'
  virtual void warning(const std::string& message, const std::optional<SourceRange>& where) = 0;
  virtual void image_done(const Digest& digest, const std::vector<std::string>& tags) = 0;
};

enum class ProgressMode { Auto, Tty, Plain, Json, Quiet };

// "auto", "tty", "plain", "rawjson"/"json", "quiet"; nullopt otherwise.
std::optional<ProgressMode> parse_progress_mode(std::string_view text);

// A sink writing to `out` (normally std::cerr). Auto is Tty when `fd` is a
// terminal (and TERM is not "dumb"), else Plain. Quiet prints only the
// image digest, to `quiet_out` (normally std::cout).
std::unique_ptr<ProgressSink> make_progress_sink(ProgressMode mode, std::ostream& out, int fd,
                                                 std::ostream& quiet_out);

// "1.2s" the way buildx prints durations.
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace ocbuild::solver
