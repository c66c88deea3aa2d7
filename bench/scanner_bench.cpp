// Scanner throughput on generated source-like text with the built-in rules: the stage-1 scan
// plus stage-2 confirmation, one thread, data in memory (no I/O). Reports bytes per second.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>

#include "engine/decoder.h"
#include "engine/rule_database.h"
#include "engine/rule_loader.h"
#include "engine/scanner.h"

namespace {

const leakhound::RuleDatabase& database() {
  static const std::unique_ptr<leakhound::RuleDatabase> instance = [] {
    auto rules = leakhound::load_builtin_rules();
    if (!rules) throw std::runtime_error(rules.error().message);
    auto built =
        leakhound::RuleDatabase::build(std::move(rules).value(), {leakhound::default_cache_dir()});
    if (!built) throw std::runtime_error(built.error().message);
    return std::move(built).value();
  }();
  return *instance;
}

// Code-like lines: identifiers, calls, string literals, numbers, comments, hex digests.
std::string generate_text(std::size_t size, std::uint32_t seed) {
  static const char* const kWords[] = {
      "config", "value",  "request", "handler", "buffer", "index",  "result", "client",  "server",
      "return", "const",  "struct",  "public",  "static", "import", "string", "version", "module",
      "update", "window", "stream",  "parser",  "decode", "encode", "format", "logger"};
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
  std::uniform_int_distribution<int> shape(0, 9);
  std::string text;
  text.reserve(size + 256);
  while (text.size() < size) {
    switch (shape(random)) {
      case 0:
        text += "  // ";
        for (int i = 0; i < 8; ++i)
          text += std::string(kWords[word(random)]) + " ";
        break;
      case 1:
        text += "  digest = \"";
        for (int i = 0; i < 40; ++i)
          text += "0123456789abcdef"[random() % 16];
        text += "\";";
        break;
      case 2:
        text += "  url = \"https://example.com/" + std::string(kWords[word(random)]) +
                "?id=" + std::to_string(random() % 100000) + "\";";
        break;
      default:
        text += "  " + std::string(kWords[word(random)]) + "_" + kWords[word(random)] + " = " +
                kWords[word(random)] + "(" + kWords[word(random)] + ", " +
                std::to_string(random() % 1000) + ");";
        break;
    }
    text += '\n';
  }
  return text;
}

// The text scanned as a source file is (rules limited to other files' names do not run).
constexpr std::string_view kPath = "src/bench.cpp";

void BM_ScanSourceText(benchmark::State& state) {
  const std::string text = generate_text(static_cast<std::size_t>(state.range(0)), 42);
  leakhound::Scanner scanner(database());
  std::vector<leakhound::Match> matches;
  for (auto _ : state) {
    matches.clear();
    auto scanned = scanner.scan_at_path(text, kPath, matches);
    benchmark::DoNotOptimize(scanned);
    benchmark::DoNotOptimize(matches.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["rules"] = static_cast<double>(database().rules().size());
}
BENCHMARK(BM_ScanSourceText)->Arg(64 << 10)->Arg(1 << 20)->Arg(16 << 20);

// The same scan plus the decoding pass (engine/decoder.h) at the default depth, as the pipeline
// runs it: the cost of decoding on text with nothing encoded is the difference to the above.
void BM_ScanSourceTextDecoding(benchmark::State& state) {
  const std::string text = generate_text(static_cast<std::size_t>(state.range(0)), 42);
  leakhound::Scanner scanner(database());
  std::vector<leakhound::Match> matches;
  std::vector<leakhound::Finding> findings;
  const leakhound::Provenance provenance{"file", "bench", {}, {}};
  for (auto _ : state) {
    matches.clear();
    findings.clear();
    auto scanned = scanner.scan_at_path(text, kPath, matches);
    auto decoded = leakhound::scan_decoded(scanner, text, {}, provenance, findings);
    benchmark::DoNotOptimize(scanned);
    benchmark::DoNotOptimize(decoded);
    benchmark::DoNotOptimize(findings.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ScanSourceTextDecoding)->Arg(1 << 20)->Arg(16 << 20);

// The decoding pass alone: finding and decoding runs, no scanning.
void BM_DecodeRuns(benchmark::State& state) {
  const std::string text = generate_text(static_cast<std::size_t>(state.range(0)), 42);
  std::vector<leakhound::DecodedSegment> segments;
  for (auto _ : state) {
    segments.clear();
    leakhound::decode_runs(text, segments);
    benchmark::DoNotOptimize(segments.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["segments"] = static_cast<double>(segments.size());
}
BENCHMARK(BM_DecodeRuns)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
