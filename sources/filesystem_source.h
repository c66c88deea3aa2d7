// FilesystemSource: files and directory trees given on the command line.
//
// The walk is lazy and deterministic (entries sorted by name) so output order does not depend
// on the file system or the thread count. It never enters `.git` (history is the git source's
// job), does not follow symbolic links unless asked (and then never enters a directory twice),
// applies --exclude globs to paths relative to the scan root, and never opens FIFOs or devices.
// Files above the chunk size are read in overlapping chunks, so inputs of any size (4 GiB and
// more) scan in bounded memory. Problems (unreadable, vanished, permission denied) become
// failed items naming the path; the walk goes on.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/source.h"

namespace leakhound {

struct FilesystemOptions {
  std::vector<std::string> excludes;  // globs, see path_matches_glob
  bool follow_symlinks = false;
  bool scan_binary = false;
  std::uint64_t max_file_size = 256ull * 1024 * 1024;
  std::uint64_t chunk_size = 32ull * 1024 * 1024;  // larger files are chunked
  std::uint64_t chunk_overlap = 64 * 1024;         // > the longest possible match
};

// True when `glob` matches `relative_path` (fnmatch, where '*' also crosses '/', and a leading
// "**/" may match nothing), or when a glob without '/' matches the last path component.
bool path_matches_glob(std::string_view glob, std::string_view relative_path);

// Bytes a binary check reads; a NUL byte among them marks the input as binary.
inline constexpr std::size_t kBinaryProbeSize = 8192;
bool looks_binary(std::string_view first_block);

class FilesystemSource : public Source {
 public:
  FilesystemSource(std::vector<std::string> roots, FilesystemOptions options);
  ~FilesystemSource() override;
  std::unique_ptr<WorkItem> next() override;

 private:
  struct Frame {
    std::string path;      // to open
    std::string relative;  // from the root, for globs and display
    std::vector<std::string> names;
    std::size_t next = 0;
  };
  std::unique_ptr<WorkItem> visit(const std::string& path, const std::string& relative,
                                  const std::string& display, bool is_root);
  std::unique_ptr<WorkItem> enter_directory(const std::string& path, const std::string& relative,
                                            const std::string& display);
  std::unique_ptr<WorkItem> file_items(const std::string& path, const std::string& display,
                                       std::uint64_t size);
  bool excluded(const std::string& relative) const;
  std::string display_path(const std::string& relative) const;

  std::vector<std::string> roots_;
  std::size_t next_root_ = 0;
  std::string root_display_;
  FilesystemOptions options_;
  std::vector<Frame> stack_;
  std::deque<std::unique_ptr<WorkItem>> queued_;                           // chunks of a large file
  std::set<std::pair<std::uint64_t, std::uint64_t>> visited_directories_;  // (dev, inode)
};

}  // namespace leakhound
