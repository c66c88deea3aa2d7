#include "engine/pipeline.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>

#include "engine/decoder.h"
#include "engine/overlaps.h"
#include "engine/scanner.h"

namespace leakhound {
namespace {

// Items in flight per thread: enough to keep every thread busy while the serial stages run.
constexpr unsigned kTokensPerThread = 4;

struct ScannedItem {
  LoadResult load;
  std::vector<Finding> findings;
  std::uint64_t newlines_before_keep = 0;  // chunked inputs only
  std::uint64_t newlines_in_keep = 0;
  // Code points after the last newline: of the bytes before the kept part (the chunk's first
  // line, which continues the previous chunk's last when newlines_before_keep is 0) and of the
  // kept part (the line that the next chunk continues). Chunked inputs only.
  std::uint64_t columns_before_keep = 0;
  std::uint64_t columns_at_keep_end = 0;
  std::uint64_t scanned_size = 0;
  std::vector<std::uint32_t> unconfirmed_rules;  // the scanner gave up on a candidate
};

std::uint64_t count_newlines(std::string_view text) {
  return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

// Code points (bytes that are not UTF-8 continuation bytes) after the last newline of `text`.
std::uint64_t columns_after_last_newline(std::string_view text) {
  const std::size_t newline = text.rfind('\n');
  if (newline != std::string_view::npos) text.remove_prefix(newline + 1);
  return static_cast<std::uint64_t>(std::count_if(text.begin(), text.end(), [](char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  }));
}

void scan_item(Scanner& scanner, ScannedItem& item, unsigned max_decode_depth) {
  Blob& blob = item.load.blob;
  const std::string_view data = blob.bytes.view();
  std::vector<Match> matches;
  if (auto scanned = scanner.scan_at_path(data, blob.provenance.path, matches); !scanned) {
    item.load = LoadResult::failure(item.load.input, scanned.error().message);
    return;
  }
  drop_generic_overlaps(scanner.database().rules(), matches);
  const ChunkInfo& chunk = blob.chunk;
  const bool chunked = chunk.index > 0 || !chunk.last;
  // Matches that belong to a neighbouring chunk are still masked in this chunk's snippets.
  std::vector<ConfirmedSpan> neighbours;
  if (chunked) {
    std::erase_if(matches, [&](const Match& match) {
      const bool theirs = match.start < chunk.keep_begin || match.start >= chunk.keep_end;
      if (theirs)
        neighbours.push_back(
            {blob.base_offset + match.secret_start, blob.base_offset + match.secret_end});
      return theirs;
    });
    const std::uint64_t keep_end = std::min<std::uint64_t>(chunk.keep_end, data.size());
    item.newlines_before_keep = count_newlines(data.substr(0, chunk.keep_begin));
    item.newlines_in_keep =
        count_newlines(data.substr(chunk.keep_begin, keep_end - chunk.keep_begin));
    item.columns_before_keep = columns_after_last_newline(data.substr(0, chunk.keep_begin));
    item.columns_at_keep_end =
        columns_after_last_newline(data.substr(chunk.keep_begin, keep_end - chunk.keep_begin));
  }
  locate_findings(data, matches, scanner.database().rules(), blob.base_offset, 0, blob.provenance,
                  item.findings);
  if (max_decode_depth > 0) {
    DecodeScanOptions decode{max_decode_depth, blob.base_offset};
    if (chunked) {
      decode.keep_begin = chunk.keep_begin;
      decode.keep_end = chunk.keep_end;
    }
    if (auto decoded = scan_decoded(scanner, data, decode, blob.provenance, item.findings);
        !decoded) {
      item.load = LoadResult::failure(item.load.input, decoded.error().message);
      return;
    }
    std::stable_sort(item.findings.begin(), item.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
  }
  // Before the refiner, which may drop findings whose secrets other snippets still show.
  mask_other_secrets(item.findings, neighbours);
  if (blob.refiner) blob.refiner->refine(scanner, item.findings);
  // The bytes are not needed past this point: free them on the thread that loaded them (some
  // sources' buffers belong to per-thread handles) and keep memory bounded by the scan stage.
  item.scanned_size = data.size();
  blob.bytes = Buffer();
  blob.refiner.reset();
}

}  // namespace

unsigned effective_threads(unsigned requested) {
  if (requested > 0) return requested;
  return static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
}

Summary run_pipeline(Source& source, const RuleDatabase& database, Reporter& reporter,
                     const PipelineOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Summary summary;
  summary.rules = database.rules().size();
  summary.threads = effective_threads(options.threads);
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, summary.threads);
  tbb::enumerable_thread_specific<Scanner> scanners(std::cref(database));

  std::uint64_t lines_before_chunk = 0;    // of the chunked input being assembled
  std::uint64_t columns_before_chunk = 0;  // code points of its line that earlier chunks hold
  auto report_problem = [&](const std::string& input, const std::string& reason) {
    if (summary.problems.size() < Summary::kMaxProblems)
      summary.problems.emplace_back(input, reason);
    if (options.on_problem) options.on_problem(input, reason);
  };

  bool stopped = false;  // written by the serial input stage only
  auto input_stage = [&](tbb::flow_control& control) -> WorkItem* {
    if (options.stop != nullptr && options.stop->load()) {
      stopped = true;
      control.stop();
      return nullptr;
    }
    std::unique_ptr<WorkItem> work = source.next();
    if (!work) control.stop();
    return work.release();
  };
  auto scan_stage = [&](WorkItem* raw_work) -> ScannedItem* {
    std::unique_ptr<WorkItem> work(raw_work);
    auto item = std::make_unique<ScannedItem>();
    item->load = work->load();
    if (item->load.status == LoadResult::Status::loaded) {
      Scanner& scanner = scanners.local();
      scan_item(scanner, *item, options.max_decode_depth);
      item->unconfirmed_rules = scanner.take_unconfirmed_rules();
    }
    return item.release();
  };
  auto output_stage = [&](ScannedItem* raw_item) {
    std::unique_ptr<ScannedItem> item(raw_item);
    struct ProgressOnReturn {
      const PipelineOptions& options;
      const Summary& summary;
      ~ProgressOnReturn() {
        if (options.on_progress) options.on_progress(summary);
      }
    } progress_on_return{options, summary};
    LoadResult& load = item->load;
    switch (load.status) {
      case LoadResult::Status::failed:
        ++summary.errors;
        summary.partial = true;
        report_problem(load.input, load.reason);
        return;
      case LoadResult::Status::skipped:
        ++summary.skipped[std::string(to_string(load.skip))];
        if (makes_scan_partial(load.skip)) {
          summary.partial = true;
          report_problem(load.input,
                         load.reason.empty() ? std::string(to_string(load.skip)) : load.reason);
        }
        return;
      case LoadResult::Status::loaded:
        break;
    }
    for (std::uint32_t rule : item->unconfirmed_rules) {
      // Never lose a candidate silently: name the rule and the input, and the scan is partial.
      ++summary.unconfirmed;
      summary.partial = true;
      report_problem(load.input, unconfirmed_reason(database.rules()[rule]));
    }
    const ChunkInfo& chunk = load.blob.chunk;
    if (chunk.index == 0) {
      lines_before_chunk = 0;
      columns_before_chunk = 0;
    }
    const std::uint64_t line_base = lines_before_chunk - item->newlines_before_keep;
    lines_before_chunk += item->newlines_in_keep;
    // A finding on the chunk's first line, when that line began in an earlier chunk, counts its
    // columns from the chunk's first byte: add what earlier chunks hold of the line.
    const std::uint64_t column_base =
        item->newlines_before_keep == 0 ? columns_before_chunk - item->columns_before_keep : 0;
    columns_before_chunk = item->newlines_in_keep == 0
                               ? columns_before_chunk + item->columns_at_keep_end
                               : item->columns_at_keep_end;
    const std::uint64_t size = item->scanned_size;
    summary.bytes_scanned += std::min<std::uint64_t>(chunk.keep_end, size) -
                             std::min<std::uint64_t>(chunk.keep_begin, size);
    if (chunk.last) ++summary.inputs_scanned;
    for (Finding& finding : item->findings) {
      if (finding.line == 1) finding.column += column_base;
      if (finding.end_line == 1) finding.end_column += column_base;
      finding.line += line_base;
      finding.end_line += line_base;
      if (options.annotate) options.annotate(finding);
      if (options.keep && !options.keep(finding)) continue;
      ++summary.findings;
      if (finding.honeytoken) ++summary.honeytokens;
      reporter.finding(finding);
    }
  };

  tbb::parallel_pipeline(
      summary.threads * kTokensPerThread,
      tbb::make_filter<void, WorkItem*>(tbb::filter_mode::serial_in_order, input_stage) &
          tbb::make_filter<WorkItem*, ScannedItem*>(tbb::filter_mode::parallel, scan_stage) &
          tbb::make_filter<ScannedItem*, void>(tbb::filter_mode::serial_in_order, output_stage));

  if (stopped) {
    summary.interrupted = true;
    summary.partial = true;
    summary.problems.emplace_back("scan",
                                  "interrupted by a signal; the report holds the findings so far");
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace leakhound
