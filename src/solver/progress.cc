#include "ocbuild/solver/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ocbuild/solver/progress_sinks.h"

namespace ocbuild::solver {

std::optional<ProgressMode> parse_progress_mode(std::string_view text) {
  if (text == "auto") return ProgressMode::Auto;
  if (text == "tty") return ProgressMode::Tty;
  if (text == "plain") return ProgressMode::Plain;
  if (text == "rawjson" || text == "json") return ProgressMode::Json;
  if (text == "quiet") return ProgressMode::Quiet;
  return std::nullopt;
}

std::unique_ptr<ProgressSink> make_progress_sink(ProgressMode mode, std::ostream& out, int fd,
                                                 std::ostream& quiet_out) {
  if (mode == ProgressMode::Auto) {
    const char* term = std::getenv("TERM");
    bool dumb = term && std::strcmp(term, "dumb") == 0;
    mode = ::isatty(fd) && !dumb ? ProgressMode::Tty : ProgressMode::Plain;
  }
  switch (mode) {
    case ProgressMode::Tty: return std::make_unique<TtyProgress>(out);
    case ProgressMode::Json: return std::make_unique<JsonProgress>(out);
    case ProgressMode::Quiet: return std::make_unique<QuietProgress>(quiet_out);
    default: return std::make_unique<PlainProgress>(out);
  }
}

std::string format_duration(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", std::chrono::duration<double>(d).count());
  return buf;
}

void QuietProgress::image_done(const Digest& digest, const std::vector<std::string>&) {
  std::lock_guard lock(mu_);
  out_ << digest.str() << '\n' << std::flush;
}

}  // namespace ocbuild::solver
