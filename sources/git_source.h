// GitSource: the content of a git repository's history, through libgit2.
//
// Full history: every commit reachable from any ref (branches, tags, remotes, stash, HEAD) is
// walked oldest first; each tree is read once (a tree seen before is skipped whole), so each
// distinct blob is handed out exactly once, attributed to the first commit and path that
// introduced it. Unreachable blobs join with --include-unreachable.
//
// Change modes (a range A..B, one commit, the staged index): each commit is diffed against its
// parents (renames followed), and each changed file's new blob is scanned whole but keeps only
// the findings on lines the change adds, minus secrets the previous version already had; for a
// merge, only lines added relative to every parent count. Line numbers are the new file's.
//
// Objects are loaded on the scanning threads, each with its own repository handle. Corrupt or
// missing objects fail their item (named by id) and the scan goes on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/finding.h"
#include "engine/result.h"
#include "engine/source.h"

namespace leakhound {

struct GitOptions {
  enum class Mode : std::uint8_t { full, range, commit, staged };
  std::string repository = ".";
  Mode mode = Mode::full;
  std::string revision;  // range "A..B" or "A...B", or the commit for Mode::commit
  bool include_unreachable = false;
  bool all_provenance = false;
  bool require_full_history = false;  // a shallow clone makes the scan partial
  bool show_secrets = false;          // else secrets are masked in echoed commit messages
  bool scan_binary = false;
  std::uint64_t max_file_size = 256ull * 1024 * 1024;
  std::optional<std::filesystem::path> cache_dir;  // --cache: blobs known clean
  std::string rules_hash;                          // part of the cache key
};

class GitSource : public Source {
 public:
  static Result<std::unique_ptr<GitSource>> open(const GitOptions& options);
  ~GitSource() override;

  std::unique_ptr<WorkItem> next() override;

  // Things worth saying that are not errors: a shallow clone, submodules not descended, how
  // many blobs the cache let us skip.
  const std::vector<std::string>& notes() const;
  std::uint64_t items_handed_out() const;
  bool walk_finished() const;

  // After the scan: marks each finding present at HEAD or history-only and, with
  // --all-provenance, lists every commit and path holding the same blob.
  void finalize(std::vector<Finding>& findings);
  // After a complete scan: remembers the blobs handed out without findings as clean.
  void update_cache(const std::vector<Finding>& findings);

  class Impl;

 private:
  explicit GitSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakhound
