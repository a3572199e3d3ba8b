// Parses a generated 10,000-instruction Dockerfile (every instruction kind,
// continuations, heredocs, JSON form, flags) and prints the best of 5 times.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "ocbuild/frontend/ast.h"

namespace {

// CPU time of this thread: the machine is shared, so wall time alone overstates.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string generate(int instructions) {
  static const char* kinds[] = {
      "RUN --mount=type=cache,target=/root/.cache,sharing=locked apt-get update && \\\n    apt-get install -y curl \\\n    # comment inside\n    git\n",
      "RUN <<EOF\nset -e\necho building $N\nmake -j4\nEOF\n",
      "COPY --from=build --chown=1000:1000 --chmod=0644 --link src/ lib/ /app/\n",
      "ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 https://example.com/x.tgz /opt/\n",
      "COPY <<A <<-B /etc/\nalpha\nA\n\tbeta\n\tB\n",
      "ENV PATH=/usr/local/bin:$PATH LANG=\"C.UTF-8\" HOME=/root\n",
      "LABEL org.opencontainers.image.title=\"bench\" version=1.0\n",
      "ARG VERSION=1.2.3 BUILD_DATE\n",
      "CMD [\"/app/server\", \"--port\", \"8080\"]\n",
      "ENTRYPOINT [\"/sbin/tini\", \"--\"]\n",
      "EXPOSE 8080/tcp 8443\n",
      "VOLUME [\"/data\", \"/logs\"]\n",
      "USER 1000:1000\n",
      "WORKDIR /app/$VERSION\n",
      "HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -f http://localhost/ || exit 1\n",
      "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
      "STOPSIGNAL SIGTERM\n",
      "ONBUILD RUN echo triggered\n",
      "RUN [\"sh\", \"-c\", \"echo exec form\"]\n",
  };
  constexpr int kKinds = sizeof(kinds) / sizeof(kinds[0]);
  std::string text = "# syntax=docker/dockerfile:1\n";
  for (int i = 0; i < instructions; ++i) {
    if (i % 500 == 0) {
      text += "FROM --platform=linux/amd64 alpine:3.19 AS stage" + std::to_string(i) + "\n";
      continue;
    }
    text += kinds[i % kKinds];
  }
  return text;
}

}  // namespace

int main() {
  const int kInstructions = 10000;
  std::string text = generate(kInstructions);
  double best = 1e9;
  double best_syntax = 1e9;
  double best_cpu = 1e9;
  size_t parsed = 0;
  for (int round = 0; round < 5; ++round) {
    auto s0 = std::chrono::steady_clock::now();
    ocbuild::frontend::SyntaxTree tree = ocbuild::frontend::parse_syntax(text, "Dockerfile");
    auto s1 = std::chrono::steady_clock::now();
    best_syntax = std::min(best_syntax, std::chrono::duration<double, std::milli>(s1 - s0).count());
    double cpu_start = cpu_ms();
    auto start = std::chrono::steady_clock::now();
    ocbuild::frontend::Ast ast = ocbuild::frontend::parse(text, "Dockerfile");
    auto end = std::chrono::steady_clock::now();
    best_cpu = std::min(best_cpu, cpu_ms() - cpu_start);
    parsed = ast.instructions.size();
    best = std::min(best, std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::printf("parse_bench: %zu instructions, %zu bytes, best of 5: %.2f ms wall, %.2f ms cpu "
              "(syntax only: %.2f ms wall)\n",
              parsed, text.size(), best, best_cpu, best_syntax);
  return parsed == kInstructions ? 0 : 1;
}
