// Pipeline: one TBB parallel_pipeline per scan. A serial input stage pulls work items from the
// source; a parallel stage loads and scans each with a thread-local Scanner; a serial in-order
// stage turns matches into findings, counts skips and errors, and feeds the reporter. The number
// of items in flight is bounded, so memory does not grow with the input, and output order is the
// source's order whatever the thread count.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "engine/reporter.h"
#include "engine/rule_database.h"
#include "engine/source.h"
#include "engine/summary.h"

namespace leakhound {

struct PipelineOptions {
  unsigned threads = 0;  // 0: all cores
  // Called (from the output stage, in order) for every input that failed or made the scan
  // partial; `input` is a display name and `reason` never contains secret material.
  std::function<void(const std::string& input, const std::string& reason)> on_problem;
  // Optional filter run on every finding before it reaches the reporter; false drops it.
  std::function<bool(const Finding&)> keep;
  // Optional: called from the output stage after each item with the running totals.
  std::function<void(const Summary&)> on_progress;
  // Optional hook run on every finding before `keep` (same thread and order), to add what the
  // engine cannot know, such as honeytoken annotations.
  std::function<void(Finding&)> annotate;
  // Levels of decoding of encoded runs (engine/decoder.h); 0 turns decoding off.
  unsigned max_decode_depth = 2;
  // Optional stop flag (set by a signal handler): once set, no new input is taken, the items in
  // flight finish, and the summary is marked interrupted and partial.
  const std::atomic<bool>* stop = nullptr;
};

Summary run_pipeline(Source& source, const RuleDatabase& database, Reporter& reporter,
                     const PipelineOptions& options);

// The thread count to use for `requested` (0 = all cores).
unsigned effective_threads(unsigned requested);

}  // namespace leakhound
