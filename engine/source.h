// Source: where content comes from. A source hands out cheap work items from one thread (the
// pipeline's serial input stage), in a deterministic order; each item's load() then runs on any
// thread and produces the bytes to scan, a reason to skip, or an error naming the input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/blob.h"

namespace leakhound {

// Why an input was not scanned. `not_scanned` kinds make the scan partial (exit code 2);
// the others are choices the user made or can change with a flag.
enum class SkipKind : std::uint8_t {
  binary,     // NUL bytes in the first block (see --scan-binary)
  too_large,  // over --max-file-size: not scanned, so the scan is partial
  special,    // a FIFO, socket or device: never opened
  symlink,    // not followed (see --follow-symlinks)
};

std::string_view to_string(SkipKind kind);
bool makes_scan_partial(SkipKind kind);

struct LoadResult {
  enum class Status : std::uint8_t { loaded, skipped, failed };
  Status status = Status::loaded;
  Blob blob;           // when loaded
  std::string input;   // display name of the input, for messages
  std::string reason;  // when skipped or failed
  SkipKind skip = SkipKind::binary;

  static LoadResult failure(std::string input, std::string reason) {
    LoadResult result;
    result.status = Status::failed;
    result.input = std::move(input);
    result.reason = std::move(reason);
    return result;
  }
  static LoadResult skipped(std::string input, SkipKind kind, std::string reason = {}) {
    LoadResult result;
    result.status = Status::skipped;
    result.input = std::move(input);
    result.skip = kind;
    result.reason = std::move(reason);
    return result;
  }
};

class WorkItem {
 public:
  virtual ~WorkItem() = default;
  virtual LoadResult load() = 0;
};

// A work item whose outcome the source already knows: a problem met while enumerating (an
// unreadable directory, a corrupt tree) or a skip decided from metadata alone.
class ResolvedItem : public WorkItem {
 public:
  explicit ResolvedItem(LoadResult result) : result_(std::move(result)) {}
  LoadResult load() override { return std::move(result_); }

 private:
  LoadResult result_;
};

inline std::unique_ptr<WorkItem> failed_item(std::string input, std::string reason) {
  return std::make_unique<ResolvedItem>(LoadResult::failure(std::move(input), std::move(reason)));
}

inline std::unique_ptr<WorkItem> skipped_item(std::string input, SkipKind kind,
                                              std::string reason = {}) {
  return std::make_unique<ResolvedItem>(
      LoadResult::skipped(std::move(input), kind, std::move(reason)));
}

class Source {
 public:
  virtual ~Source() = default;
  // The next item, or nullptr when the source is exhausted. Called from one thread at a time.
  virtual std::unique_ptr<WorkItem> next() = 0;
};

}  // namespace leakhound
