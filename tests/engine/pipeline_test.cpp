#include <catch2/catch.hpp>

#include <deque>

#include "engine/pipeline.h"
#include "tests/engine/test_rules.h"

using namespace leakhound;

namespace {

// An in-memory source: each string is one input; "!name" inputs fail.
class MemorySource : public Source {
 public:
  explicit MemorySource(std::vector<std::string> inputs) {
    for (std::size_t i = 0; i < inputs.size(); ++i)
      inputs_.emplace_back(i, std::move(inputs[i]));
  }
  std::unique_ptr<WorkItem> next() override {
    if (inputs_.empty()) return nullptr;
    auto [index, text] = std::move(inputs_.front());
    inputs_.pop_front();
    return std::make_unique<Item>("input-" + std::to_string(index), std::move(text));
  }

 private:
  class Item : public WorkItem {
   public:
    Item(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {}
    LoadResult load() override {
      if (text_.starts_with("!")) return LoadResult::failure(name_, "cannot read: test failure");
      LoadResult result;
      result.input = name_;
      result.blob.provenance = {"memory", name_, {}, {}};
      result.blob.bytes = Buffer(text_.size());
      std::copy(text_.begin(), text_.end(), result.blob.bytes.data());
      return result;
    }

   private:
    std::string name_;
    std::string text_;
  };
  std::deque<std::pair<std::size_t, std::string>> inputs_;
};

class PathLineReporter : public Reporter {
 public:
  void begin(const RunInfo&) override {}
  void finding(const Finding& finding) override {
    seen.push_back(finding.provenance.path + ":" + std::to_string(finding.line));
  }
  void end(const Summary&) override {}
  std::vector<std::string> seen;
};

std::vector<std::string> many_inputs() {
  std::vector<std::string> inputs;
  for (int i = 0; i < 300; ++i) {
    std::string text;
    for (int line = 0; line < (i % 7); ++line)
      text += "filler line\n";
    if (i % 3 == 0) text += "id_" + std::to_string(100000 + i) + "\n";
    if (i % 5 == 0) text += "more id_" + std::to_string(200000 + i) + "\n";
    inputs.push_back(text);
  }
  return inputs;
}

}  // namespace

TEST_CASE("output order is the input order for any thread count", "[pipeline]") {
  auto database = test::build_database({test::make_rule("id", "\\bid_[0-9]{6}\\b")});
  std::vector<std::string> reference;
  for (unsigned threads : {1u, 2u, 4u, 8u}) {
    MemorySource source(many_inputs());
    PathLineReporter reporter;
    PipelineOptions options;
    options.threads = threads;
    Summary summary = run_pipeline(source, *database, reporter, options);
    CHECK(summary.inputs_scanned == 300);
    CHECK(summary.findings == reporter.seen.size());
    if (reference.empty()) {
      reference = reporter.seen;
      REQUIRE(reference.size() == 100 + 60);
    } else {
      CHECK(reporter.seen == reference);
    }
  }
}

TEST_CASE("a failed input is counted and named, and the scan goes on", "[pipeline]") {
  auto database = test::build_database({test::make_rule("id", "\\bid_[0-9]{6}\\b")});
  MemorySource source({"id_111111", "!broken", "id_222222"});
  PathLineReporter reporter;
  std::vector<std::string> problems;
  PipelineOptions options;
  options.on_problem = [&](const std::string& input, const std::string& reason) {
    problems.push_back(input + ": " + reason);
  };
  Summary summary = run_pipeline(source, *database, reporter, options);
  CHECK(summary.findings == 2);
  CHECK(summary.errors == 1);
  CHECK(summary.partial);
  REQUIRE(problems == std::vector<std::string>{"input-1: cannot read: test failure"});
  REQUIRE(summary.problems.size() == 1);
}

TEST_CASE("the keep filter drops findings before they are reported", "[pipeline]") {
  auto database = test::build_database({test::make_rule("id", "\\bid_[0-9]{6}\\b")});
  MemorySource source({"id_111111 id_222222"});
  PathLineReporter reporter;
  PipelineOptions options;
  options.keep = [](const Finding& finding) { return finding.secret != "id_111111"; };
  Summary summary = run_pipeline(source, *database, reporter, options);
  CHECK(summary.findings == 1);
  CHECK(reporter.seen.size() == 1);
}
