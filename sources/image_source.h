// ImageSource: container images as registries store them, read without a container engine.
//
// Input: a `docker save` tarball (manifest.json), an OCI image layout directory (oci-layout,
// index.json, blobs/), or an OCI layout packed in a tarball. Metadata is parsed with simdjson;
// layers are streamed through libarchive (plain tar, gzip, zstd), one regular file at a time, so
// a layer is never extracted to disk nor held in memory whole; a file larger than the chunk size
// is handed out in overlapping chunks. Several layers are read at once, each by its own reader
// thread feeding a bounded queue (as many readers as the pipeline has threads; with one, the
// layers are read in turn in the pipeline's input stage). Findings come out in image order
// (finalize()) and problems in image order whatever the thread count.
//
// Every regular file of every layer is handed out, including files a later layer deletes
// (whiteouts, opaque directories) or overwrites: that content is still in the image for anyone
// who pulls it. The image configuration (Env, Cmd, Entrypoint, Labels, history created_by) is
// scanned too. Archives inside layers (zip, jar, war, tar, tar.gz, tgz) are opened recursively up
// to a depth, under limits on expansion ratio and total bytes against decompression bombs.
//
// Identical contents (SHA-256 of the bytes) are scanned once; a layer shared by several images
// of the input is read once. finalize() then gives each finding the first place its content
// appears, every other place as occurrences, and whether a later layer removed or overwrote it.
// Problems (truncated or corrupt archives, missing blobs, digest mismatches, unsafe names,
// device files, links escaping the image) fail their item with a message; the rest is scanned.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/finding.h"
#include "engine/result.h"
#include "engine/source.h"

namespace leakhound {

struct ImageOptions {
  std::string path;      // tarball or layout directory
  std::string platform;  // "os/arch" or "os/arch/variant"; empty: every platform
  unsigned max_archive_depth = 3;
  bool verify_digests = false;
  bool scan_binary = false;
  std::uint64_t max_file_size = 256ull * 1024 * 1024;
  // Decompression bomb guards for archives found inside layers, per outermost archive.
  std::uint64_t max_expansion_ratio = 100;
  std::uint64_t max_nested_bytes = 1ull << 30;
  // Files larger than this are handed out in chunks overlapping by chunk_overlap (more than the
  // longest possible match), like the filesystem source's.
  std::uint64_t chunk_size = 32ull * 1024 * 1024;
  std::uint64_t chunk_overlap = 64 * 1024;
  // Layers read at once, each by a thread. 0: the pipeline's thread count (TBB's allowed
  // parallelism when the scan starts); 1: read in turn by next() itself, no thread.
  unsigned layer_readers = 0;
};

class ImageSource : public Source {
 public:
  static Result<std::unique_ptr<ImageSource>> open(const ImageOptions& options);
  ~ImageSource() override;

  std::unique_ptr<WorkItem> next() override;

  // After the scan: the first location of each finding's content, every other one as
  // occurrences, and the removed/overwritten status; findings sorted in image order.
  void finalize(std::vector<Finding>& findings);
  // Images and platforms found, for notes.
  const std::vector<std::string>& notes() const;

  class Impl;

 private:
  explicit ImageSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakhound
