// Blob: bytes loaded from a source, ready to scan, with their provenance. A large input is split
// into chunks that overlap by more than the longest possible match; each chunk keeps only the
// matches that start inside its own part, so a secret straddling a boundary is found exactly once.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/provenance.h"

namespace leakhound {

// The bytes to scan: either an owned buffer that is not zero-filled on allocation (inputs are
// read straight into it), or a view of memory that `owner` keeps alive (a libgit2 blob), which
// avoids copying every object of a repository.
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t size) : bytes_(new char[size]), view_(bytes_.get(), size) {}
  Buffer(std::string_view borrowed, std::shared_ptr<void> owner)
      : owner_(std::move(owner)), view_(borrowed) {}
  char* data() { return bytes_.get(); }  // owned buffers only
  std::size_t size() const { return view_.size(); }
  void shrink(std::size_t size) {
    if (size < view_.size()) view_ = view_.substr(0, size);
  }
  std::string_view view() const { return view_; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::shared_ptr<void> owner_;
  std::string_view view_;
};

struct ChunkInfo {
  std::uint64_t index = 0;  // 0 for the first chunk of an input
  bool last = true;
  std::uint64_t keep_begin = 0;  // offsets in the chunk's own bytes
  std::uint64_t keep_end = std::numeric_limits<std::uint64_t>::max();
};

class Scanner;
struct Finding;

// Source-specific refinement of a blob's findings, run on the scanning thread right after the
// blob is scanned (so it may scan related content with the same Scanner). The git source uses
// it to keep only findings on lines a change adds.
class BlobRefiner {
 public:
  virtual ~BlobRefiner() = default;
  virtual void refine(Scanner& scanner, std::vector<Finding>& findings) = 0;
};

struct Blob {
  Buffer bytes;
  Provenance provenance;
  std::uint64_t base_offset = 0;         // offset of bytes[0] within the whole input
  ChunkInfo chunk;                       // default: the whole input in one piece
  std::shared_ptr<BlobRefiner> refiner;  // optional
};

}  // namespace leakhound
