// FilesystemSource: files and directory trees given on the command line.
//
// The walk is lazy and deterministic (entries sorted by name) so output order does not depend
// on the file system or the thread count. It never enters `.git` (history is the git source's
// job), does not follow symbolic links unless asked (and then never enters a directory twice),
// applies --exclude globs to paths relative to the scan root, and never opens FIFOs or devices
// met during a walk. A root that is neither a file nor a directory (a FIFO, `<(cmd)`,
// /dev/stdin) was named by the user: it is read in order, in overlapping chunks.
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
  // Files that are never inputs, wherever the walk meets them (the scan's own honeytoken
  // registry): compared by device and inode, so any path to them is recognised.
  std::vector<std::string> never_scan;
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
  std::unique_ptr<WorkItem> next_stream_chunk();
  bool excluded(const std::string& relative) const;
  std::string display_path(const std::string& relative) const;

  std::vector<std::string> roots_;
  std::size_t next_root_ = 0;
  std::string root_display_;
  FilesystemOptions options_;
  std::vector<Frame> stack_;
  struct StreamedRoot {
    int fd = -1;
    std::string display;
    std::string pending;               // read, not yet handed out past the overlap
    std::uint64_t pending_offset = 0;  // of pending[0] in the stream
    std::uint64_t index = 0;           // of the next chunk
    bool ended = false;
  };
  std::unique_ptr<StreamedRoot> stream_;          // a root being read as a stream
  std::deque<std::unique_ptr<WorkItem>> queued_;  // chunks of a large file
  std::set<std::pair<std::uint64_t, std::uint64_t>> visited_directories_;  // (dev, inode)
  std::set<std::pair<std::uint64_t, std::uint64_t>> never_scan_;           // (dev, inode)
};

}  // namespace leakhound
