// JSON lines progress: one object per event, with "event" and "step".
#include <nlohmann/json.hpp>

#include "ocbuild/solver/progress_sinks.h"

namespace ocbuild::solver {
namespace {
using nlohmann::json;
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

void JsonProgress::emit(const std::string& line) {
  std::lock_guard lock(mu_);
  out_ << line << '\n' << std::flush;
}

void JsonProgress::step_started(int step, const std::string& name) {
  emit(dump({{"event", "started"}, {"step", step}, {"name", name}}));
}
void JsonProgress::step_cached(int step) { emit(dump({{"event", "cached"}, {"step", step}})); }
void JsonProgress::step_finished(int step, std::chrono::nanoseconds d) {
  emit(dump({{"event", "finished"}, {"step", step},
             {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(d).count()}}));
}
void JsonProgress::step_failed(int step, const std::string& error) {
  emit(dump({{"event", "failed"}, {"step", step}, {"error", error}}));
}
void JsonProgress::step_output(int step, std::string_view line) {
  emit(dump({{"event", "output"}, {"step", step}, {"line", std::string(line)}}));
}
void JsonProgress::warning(const std::string& message, const std::optional<SourceRange>& where) {
  json j = {{"event", "warning"}, {"message", message}};
  if (where) j["where"] = {{"file", where->file}, {"line", where->line}, {"column", where->column}};
  emit(dump(j));
}
void JsonProgress::image_done(const Digest& digest, const std::vector<std::string>& tags) {
  emit(dump({{"event", "image"}, {"digest", digest.str()}, {"tags", tags}}));
}

}  // namespace ocbuild::solver
