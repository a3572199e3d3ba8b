#include "ocbuild/solver/progress_sinks.h"

namespace ocbuild::solver {

// When another step printed since, repeat this step's header, as buildx
// does, so each block of lines can be read on its own.
void PlainProgress::header_if_interleaved(int step) {
  if (last_step_ != step && names_.count(step)) out_ << '#' << step << ' ' << names_[step] << '\n';
  last_step_ = step;
}

void PlainProgress::step_started(int step, const std::string& name) {
  std::lock_guard lock(mu_);
  names_[step] = name;
  max_step_ = std::max(max_step_, step);
  if (last_step_ != 0) out_ << '\n';
  out_ << '#' << step << ' ' << name << '\n' << std::flush;
  last_step_ = step;
}

void PlainProgress::step_cached(int step) {
  std::lock_guard lock(mu_);
  header_if_interleaved(step);
  out_ << '#' << step << " CACHED\n" << std::flush;
}

void PlainProgress::step_finished(int step, std::chrono::nanoseconds duration) {
  std::lock_guard lock(mu_);
  header_if_interleaved(step);
  out_ << '#' << step << " DONE " << format_duration(duration) << '\n' << std::flush;
}

void PlainProgress::step_failed(int step, const std::string& error) {
  std::lock_guard lock(mu_);
  header_if_interleaved(step);
  out_ << '#' << step << " ERROR: " << error << '\n' << std::flush;
}

void PlainProgress::step_output(int step, std::string_view line) {
  std::lock_guard lock(mu_);
  header_if_interleaved(step);
  out_ << '#' << step << ' ' << line << '\n' << std::flush;
}

void PlainProgress::warning(const std::string& message, const std::optional<SourceRange>& where) {
  std::lock_guard lock(mu_);
  out_ << "WARNING: ";
  if (where && !where->file.empty()) out_ << where->file << ':' << where->line << ": ";
  out_ << message << '\n' << std::flush;
  last_step_ = 0;
}

void PlainProgress::image_done(const Digest& digest, const std::vector<std::string>& tags) {
  std::lock_guard lock(mu_);
  int step = ++max_step_;
  out_ << "\n#" << step << " exporting image\n";
  out_ << '#' << step << " writing image " << digest.str() << " done\n";
  for (const auto& tag : tags) out_ << '#' << step << " naming to " << tag << " done\n";
  out_ << '#' << step << " DONE\n" << std::flush;
  last_step_ = step;
}

}  // namespace ocbuild::solver
