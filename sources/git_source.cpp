#include "sources/git_source.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <tbb/enumerable_thread_specific.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/hashing.h"
#include "engine/scanner.h"
#include "sources/filesystem_source.h"

namespace leakhound {
namespace {

struct OidHash {
  std::size_t operator()(const git_oid& oid) const {
    std::size_t value;
    std::memcpy(&value, oid.id, sizeof value);  // object ids are uniformly distributed
    return value;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};
using OidSet = std::unordered_set<git_oid, OidHash, OidEqual>;

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using WalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;
using IteratorPtr = std::unique_ptr<git_reference_iterator,
                                    Deleter<git_reference_iterator, git_reference_iterator_free>>;

std::string git_message() {
  const git_error* error = git_error_last();
  return error && error->message ? error->message : "unknown libgit2 error";
}

std::string hex(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &oid);
  return text;
}

void initialise_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Blobs are read once each: caching them only costs memory. Object ids are not re-hashed on
    // read (git cat-file does not either); corrupt data still fails to inflate.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, static_cast<size_t>(0));
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

struct CommitInfo {
  std::string sha;
  std::string author;
  std::string date;
  std::string message;
};

std::string iso_date(const git_time& when) {
  std::time_t local = static_cast<std::time_t>(when.time) + when.offset * 60;
  std::tm parts{};
  gmtime_r(&local, &parts);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  const int offset = std::abs(when.offset);
  char zone[16];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", when.offset < 0 ? '-' : '+', offset / 60,
                offset % 60);
  return std::string(text) + zone;
}

std::shared_ptr<const CommitInfo> describe(git_commit* commit) {
  auto info = std::make_shared<CommitInfo>();
  info->sha = hex(*git_commit_id(commit));
  if (const git_signature* author = git_commit_author(commit)) {
    info->author = std::string(author->name ? author->name : "") + " <" +
                   (author->email ? author->email : "") + ">";
    info->date = iso_date(author->when);
  }
  const char* summary = git_commit_summary(commit);
  info->message = summary ? summary : "";
  return info;
}

std::string field(const Provenance& provenance, std::string_view key) {
  for (const auto& [name, value] : provenance.fields) {
    if (name == key) return value;
  }
  return {};
}

// Remembers, per rule set and scan settings, the blobs that were scanned clean. One file per
// key; read and merged under an exclusive lock, written with write-then-rename; a file that does
// not verify is discarded.
class BlobCache {
 public:
  BlobCache(std::filesystem::path directory, std::string key)
      : directory_(std::move(directory)), key_(std::move(key)) {}

  OidSet load(std::string& note) const {
    OidSet clean;
    if (!read(clean)) {
      note = "blob cache " + file().string() + " was unreadable or corrupt and was discarded";
      std::error_code error;
      std::filesystem::remove(file(), error);
      clean.clear();
    }
    return clean;
  }

  void add(const std::vector<git_oid>& clean_blobs) const {
    std::error_code error;
    std::filesystem::create_directories(directory_, error);
    const std::filesystem::path lock_path = file().string() + ".lock";
    int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0) return;
    ::flock(lock, LOCK_EX);
    OidSet merged;
    if (!read(merged)) merged.clear();
    for (const git_oid& oid : clean_blobs)
      merged.insert(oid);
    std::vector<git_oid> sorted(merged.begin(), merged.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
    std::string out(kMagic, sizeof kMagic);
    const std::uint64_t count = sorted.size();
    out.append(reinterpret_cast<const char*>(&count), sizeof count);
    for (const git_oid& oid : sorted)
      out.append(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
    const Sha256Digest digest = sha256(out);
    out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    const std::filesystem::path temporary = file().string() + ".tmp." + std::to_string(::getpid());
    {
      std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
      stream.write(out.data(), static_cast<std::streamsize>(out.size()));
    }
    std::filesystem::rename(temporary, file(), error);
    if (error) std::filesystem::remove(temporary, error);
    ::flock(lock, LOCK_UN);
    ::close(lock);
  }

 private:
  static constexpr char kMagic[8] = {'L', 'K', 'G', 'C', '0', '0', '0', '1'};

  std::filesystem::path file() const { return directory_ / ("clean-" + key_ + ".bin"); }

  // False when the file exists but does not verify.
  bool read(OidSet& clean) const {
    std::ifstream in(file(), std::ios::binary);
    if (!in) return true;  // no cache yet
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < sizeof kMagic + 8 + 32 || std::memcmp(bytes.data(), kMagic, 8) != 0)
      return false;
    std::uint64_t count = 0;
    std::memcpy(&count, bytes.data() + 8, sizeof count);
    if (bytes.size() != 16 + count * GIT_OID_RAWSZ + 32) return false;
    const std::string_view body(bytes.data(), bytes.size() - 32);
    const Sha256Digest digest = sha256(body);
    if (std::memcmp(digest.data(), bytes.data() + body.size(), 32) != 0) return false;
    for (std::uint64_t i = 0; i < count; ++i) {
      git_oid oid;
      std::memcpy(oid.id, bytes.data() + 16 + i * GIT_OID_RAWSZ, GIT_OID_RAWSZ);
      clean.insert(oid);
    }
    return true;
  }

  std::filesystem::path directory_;
  std::string key_;
};

// Keeps only findings on added lines whose secret the previous version did not already hold.
class AddedLinesRefiner : public BlobRefiner {
 public:
  AddedLinesRefiner(GitSource::Impl& impl, std::vector<std::uint32_t> added_lines,
                    std::optional<git_oid> previous)
      : impl_(impl), added_lines_(std::move(added_lines)), previous_(previous) {}
  void refine(Scanner& scanner, std::vector<Finding>& findings) override;

 private:
  GitSource::Impl& impl_;
  std::vector<std::uint32_t> added_lines_;  // sorted
  std::optional<git_oid> previous_;
};

}  // namespace

class GitSource::Impl {
 public:
  GitOptions options;
  std::string git_dir;
  RepositoryPtr walker;
  tbb::enumerable_thread_specific<RepositoryPtr> thread_repositories;
  std::vector<std::string> notes;
  std::deque<std::unique_ptr<WorkItem>> queue;
  std::uint64_t handed_out_count = 0;
  bool finished = false;

  // Full history.
  WalkPtr walk;
  OidSet seen_trees;
  OidSet seen_blobs;
  struct PendingTree {
    git_oid id;
    std::string prefix;
  };
  std::vector<PendingTree> tree_stack;
  std::shared_ptr<const CommitInfo> current_commit;
  std::vector<std::pair<git_oid, std::shared_ptr<const CommitInfo>>> commits;  // walk order
  std::vector<std::pair<git_oid, std::string>> tagged_roots;  // trees and blobs tagged directly
  OidSet head_blobs;
  std::set<std::string> submodules;
  std::vector<git_oid> handed_out_blobs;
  OidSet cached_clean;
  std::uint64_t cached_skips = 0;
  bool walk_done = false;
  bool extras_done = false;

  // Change modes.
  std::vector<git_oid> change_commits;
  std::size_t next_change = 0;
  bool staged_done = false;

  git_repository* thread_repository() {
    RepositoryPtr& repository = thread_repositories.local();
    if (!repository) {
      git_repository* opened = nullptr;
      if (git_repository_open(&opened, git_dir.c_str()) != 0) return nullptr;
      repository.reset(opened);
    }
    return repository.get();
  }

  std::unique_ptr<WorkItem> blob_item(const git_oid& oid, std::string path,
                                      std::shared_ptr<const CommitInfo> commit,
                                      std::shared_ptr<BlobRefiner> refiner = nullptr);
  std::unique_ptr<WorkItem> failure(std::string input, std::string reason);

  Result<void> start_full();
  Result<void> start_changes();
  bool advance_full();
  void process_tree();
  void enqueue_extras();
  bool advance_changes();
  void enqueue_diff(git_commit* commit, git_tree* new_tree, const std::vector<git_tree*>& old_trees,
                    std::shared_ptr<const CommitInfo> info);
  void collect_tree_blobs(git_repository* repository, const git_oid& tree_id, OidSet& blobs,
                          OidSet& visited);
  std::string cache_key() const;
};

namespace {

class BlobItem : public WorkItem {
 public:
  BlobItem(GitSource::Impl& impl, const git_oid& oid, std::string path,
           std::shared_ptr<const CommitInfo> commit, std::shared_ptr<BlobRefiner> refiner)
      : impl_(impl),
        oid_(oid),
        path_(std::move(path)),
        commit_(std::move(commit)),
        refiner_(std::move(refiner)) {}

  LoadResult load() override {
    const std::string input =
        (commit_ ? commit_->sha.substr(0, 12) : std::string("blob")) + ":" + path_;
    git_repository* repository = impl_.thread_repository();
    if (!repository)
      return LoadResult::failure(input, "cannot open the repository: " + git_message());
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repository, &oid_) != 0) {
      return LoadResult::failure(input, "cannot read object " + hex(oid_) + ": " + git_message());
    }
    BlobPtr blob(raw);
    const auto size = static_cast<std::uint64_t>(git_blob_rawsize(raw));
    if (size > impl_.options.max_file_size || size >= (1ull << 32)) {
      return LoadResult::skipped(input, SkipKind::too_large,
                                 "skipped: object " + hex(oid_) + " has " + std::to_string(size) +
                                     " bytes, more than --max-file-size");
    }
    std::string_view content(static_cast<const char*>(git_blob_rawcontent(raw)),
                             static_cast<std::size_t>(size));
    if (!impl_.options.scan_binary && looks_binary(content.substr(0, kBinaryProbeSize))) {
      return LoadResult::skipped(input, SkipKind::binary);
    }
    LoadResult result;
    result.input = input;
    git_blob* owned = blob.release();
    result.blob.bytes = Buffer(content, std::shared_ptr<void>(owned, [](void* pointer) {
                                 git_blob_free(static_cast<git_blob*>(pointer));
                               }));
    Provenance& provenance = result.blob.provenance;
    provenance.source = "git";
    provenance.path = path_;
    if (commit_) {
      provenance.fields = {{"commit", commit_->sha},
                           {"author", commit_->author},
                           {"date", commit_->date},
                           {"message", commit_->message}};
    }
    provenance.fields.emplace_back("blob", hex(oid_));
    result.blob.refiner = refiner_;
    return result;
  }

 private:
  GitSource::Impl& impl_;
  git_oid oid_;
  std::string path_;
  std::shared_ptr<const CommitInfo> commit_;
  std::shared_ptr<BlobRefiner> refiner_;
};

void AddedLinesRefiner::refine(Scanner& scanner, std::vector<Finding>& findings) {
  std::erase_if(findings, [&](const Finding& finding) {
    auto it = std::lower_bound(added_lines_.begin(), added_lines_.end(), finding.line);
    return it == added_lines_.end() || *it > finding.end_line;
  });
  if (findings.empty() || !previous_) return;
  git_repository* repository = impl_.thread_repository();
  git_blob* raw = nullptr;
  if (!repository || git_blob_lookup(&raw, repository, &*previous_) != 0) return;
  BlobPtr blob(raw);
  std::string_view content(static_cast<const char*>(git_blob_rawcontent(raw)),
                           static_cast<std::size_t>(git_blob_rawsize(raw)));
  if (content.size() >= (1ull << 32)) return;
  std::vector<Match> matches;
  if (!scanner.scan(content, matches)) return;
  std::set<std::string> before;
  const auto& rules = scanner.database().rules();
  for (const Match& match : matches) {
    before.insert(
        fingerprint(rules[match.rule].id,
                    content.substr(match.secret_start, match.secret_end - match.secret_start)));
  }
  std::erase_if(findings,
                [&](const Finding& finding) { return before.contains(finding.fingerprint); });
}

}  // namespace

std::unique_ptr<WorkItem> GitSource::Impl::blob_item(const git_oid& oid, std::string path,
                                                     std::shared_ptr<const CommitInfo> commit,
                                                     std::shared_ptr<BlobRefiner> refiner) {
  ++handed_out_count;
  if (options.mode == GitOptions::Mode::full) handed_out_blobs.push_back(oid);
  return std::make_unique<BlobItem>(*this, oid, std::move(path), std::move(commit),
                                    std::move(refiner));
}

std::unique_ptr<WorkItem> GitSource::Impl::failure(std::string input, std::string reason) {
  return failed_item(std::move(input), std::move(reason));
}

std::string GitSource::Impl::cache_key() const {
  Sha256 hash;
  hash.update(options.rules_hash);
  hash.update(options.scan_binary ? "binary" : "text");
  hash.update(std::to_string(options.max_file_size));
  return to_hex(hash.finish()).substr(0, 32);
}

void GitSource::Impl::collect_tree_blobs(git_repository* repository, const git_oid& tree_id,
                                         OidSet& blobs, OidSet& visited) {
  if (!visited.insert(tree_id).second) return;
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repository, &tree_id) != 0) return;
  TreePtr tree(raw);
  for (std::size_t i = 0, n = git_tree_entrycount(raw); i < n; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(raw, i);
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
      collect_tree_blobs(repository, *git_tree_entry_id(entry), blobs, visited);
    } else if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
      blobs.insert(*git_tree_entry_id(entry));
    }
  }
}

Result<void> GitSource::Impl::start_full() {
  git_revwalk* raw_walk = nullptr;
  if (git_revwalk_new(&raw_walk, walker.get()) != 0)
    return make_error("cannot walk commits: " + git_message());
  walk.reset(raw_walk);
  git_revwalk_sorting(raw_walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);

  git_reference_iterator* raw_iterator = nullptr;
  if (git_reference_iterator_new(&raw_iterator, walker.get()) != 0) {
    return make_error("cannot list references: " + git_message());
  }
  IteratorPtr iterator(raw_iterator);
  git_reference* raw_reference = nullptr;
  std::size_t pushed = 0;
  while (git_reference_next(&raw_reference, raw_iterator) == 0) {
    ReferencePtr reference(raw_reference);
    const std::string name = git_reference_name(raw_reference);
    git_object* raw_object = nullptr;
    if (git_reference_peel(&raw_object, raw_reference, GIT_OBJECT_ANY) != 0) {
      notes.push_back("reference " + name + " cannot be resolved: " + git_message());
      continue;
    }
    ObjectPtr object(raw_object);
    git_object* raw_commit = nullptr;
    if (git_object_peel(&raw_commit, raw_object, GIT_OBJECT_COMMIT) == 0) {
      ObjectPtr commit(raw_commit);
      if (git_revwalk_push(raw_walk, git_object_id(raw_commit)) == 0) ++pushed;
    } else if (git_object_type(raw_object) == GIT_OBJECT_TREE ||
               git_object_type(raw_object) == GIT_OBJECT_BLOB) {
      tagged_roots.emplace_back(*git_object_id(raw_object), name);
    }
  }
  if (git_revwalk_push_head(raw_walk) == 0) ++pushed;  // a detached HEAD
  if (pushed == 0 && tagged_roots.empty()) notes.push_back("the repository has no commits");

  git_reference* raw_head = nullptr;
  if (git_repository_head(&raw_head, walker.get()) == 0) {
    ReferencePtr head(raw_head);
    git_object* raw_tree = nullptr;
    if (git_reference_peel(&raw_tree, raw_head, GIT_OBJECT_TREE) == 0) {
      ObjectPtr tree(raw_tree);
      OidSet visited;
      collect_tree_blobs(walker.get(), *git_object_id(raw_tree), head_blobs, visited);
    }
  }
  if (options.cache_dir) {
    std::string note;
    cached_clean = BlobCache(*options.cache_dir, cache_key()).load(note);
    if (!note.empty()) notes.push_back(note);
  }
  return {};
}

bool GitSource::Impl::advance_full() {
  git_oid oid;
  int status = git_revwalk_next(&oid, walk.get());
  if (status == GIT_ITEROVER) return false;
  if (status != 0) {
    queue.push_back(failure("commit walk", "cannot walk further: " + git_message()));
    return false;
  }
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, walker.get(), &oid) != 0) {
    queue.push_back(failure("commit " + hex(oid), "cannot read commit: " + git_message()));
    return true;
  }
  CommitPtr commit(raw);
  current_commit = describe(raw);
  if (options.all_provenance) commits.emplace_back(oid, current_commit);
  const git_oid* tree = git_commit_tree_id(raw);
  if (seen_trees.insert(*tree).second) tree_stack.push_back({*tree, ""});
  return true;
}

void GitSource::Impl::process_tree() {
  PendingTree pending = std::move(tree_stack.back());
  tree_stack.pop_back();
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, walker.get(), &pending.id) != 0) {
    queue.push_back(failure(
        "tree " + hex(pending.id) + " (" + (pending.prefix.empty() ? "root" : pending.prefix) + ")",
        "cannot read tree: " + git_message()));
    return;
  }
  TreePtr tree(raw);
  std::vector<PendingTree> subtrees;
  for (std::size_t i = 0, n = git_tree_entrycount(raw); i < n; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(raw, i);
    const git_oid& id = *git_tree_entry_id(entry);
    std::string path = pending.prefix + git_tree_entry_name(entry);
    switch (git_tree_entry_type(entry)) {
      case GIT_OBJECT_TREE:
        if (seen_trees.insert(id).second) subtrees.push_back({id, path + "/"});
        break;
      case GIT_OBJECT_BLOB:
        if (!seen_blobs.insert(id).second) break;
        if (cached_clean.contains(id)) {
          ++cached_skips;
          break;
        }
        queue.push_back(blob_item(id, std::move(path), current_commit));
        break;
      case GIT_OBJECT_COMMIT:
        submodules.insert(std::move(path));
        break;
      default:
        break;
    }
  }
  // Depth first, in name order.
  for (auto it = subtrees.rbegin(); it != subtrees.rend(); ++it)
    tree_stack.push_back(std::move(*it));
}

void GitSource::Impl::enqueue_extras() {
  for (const auto& [oid, name] : tagged_roots) {
    auto info = std::make_shared<CommitInfo>();
    info->sha = "";
    info->message = "tagged directly by " + name;
    git_object_t type = GIT_OBJECT_INVALID;
    std::size_t size = 0;
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, walker.get()) == 0) {
      git_odb_read_header(&size, &type, odb, &oid);
      git_odb_free(odb);
    }
    if (type == GIT_OBJECT_BLOB) {
      if (seen_blobs.insert(oid).second) queue.push_back(blob_item(oid, name, info));
    } else if (type == GIT_OBJECT_TREE && seen_trees.insert(oid).second) {
      current_commit = info;
      tree_stack.push_back({oid, ""});
      while (!tree_stack.empty())
        process_tree();
    }
  }
  if (!options.include_unreachable) return;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, walker.get()) != 0) return;
  std::vector<git_oid> unreachable;
  struct Context {
    git_odb* odb;
    OidSet* seen;
    std::vector<git_oid>* out;
  } context{odb, &seen_blobs, &unreachable};
  git_odb_foreach(
      odb,
      [](const git_oid* id, void* payload) {
        auto* ctx = static_cast<Context*>(payload);
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (!ctx->seen->contains(*id) && git_odb_read_header(&size, &type, ctx->odb, id) == 0 &&
            type == GIT_OBJECT_BLOB) {
          ctx->out->push_back(*id);
        }
        return 0;
      },
      &context);
  git_odb_free(odb);
  std::sort(unreachable.begin(), unreachable.end(),
            [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
  auto info = std::make_shared<CommitInfo>();
  info->message = "unreachable object";
  for (const git_oid& oid : unreachable) {
    if (seen_blobs.insert(oid).second)
      queue.push_back(blob_item(oid, "(unreachable)/" + hex(oid), info));
  }
}

Result<void> GitSource::Impl::start_changes() {
  if (options.mode == GitOptions::Mode::staged) return {};
  if (options.mode == GitOptions::Mode::commit) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, walker.get(), options.revision.c_str()) != 0) {
      return make_error("cannot resolve commit '" + options.revision + "': " + git_message());
    }
    ObjectPtr object(raw);
    git_object* commit = nullptr;
    if (git_object_peel(&commit, raw, GIT_OBJECT_COMMIT) != 0) {
      return make_error("'" + options.revision + "' is not a commit");
    }
    change_commits.push_back(*git_object_id(commit));
    git_object_free(commit);
    return {};
  }
  git_revspec spec;
  if (git_revparse(&spec, walker.get(), options.revision.c_str()) != 0) {
    return make_error("cannot resolve range '" + options.revision + "': " + git_message());
  }
  ObjectPtr from(spec.from);
  ObjectPtr to(spec.to);
  if (!(spec.flags & GIT_REVSPEC_RANGE) || !from || !to) {
    return make_error("'" + options.revision + "' is not a range (use A..B)");
  }
  git_revwalk* raw_walk = nullptr;
  if (git_revwalk_new(&raw_walk, walker.get()) != 0)
    return make_error("cannot walk commits: " + git_message());
  WalkPtr range_walk(raw_walk);
  git_revwalk_sorting(raw_walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  git_object* to_commit = nullptr;
  if (git_object_peel(&to_commit, to.get(), GIT_OBJECT_COMMIT) != 0) {
    return make_error("the end of '" + options.revision + "' is not a commit");
  }
  ObjectPtr end(to_commit);
  git_revwalk_push(raw_walk, git_object_id(to_commit));
  git_object* from_commit = nullptr;
  if (git_object_peel(&from_commit, from.get(), GIT_OBJECT_COMMIT) == 0) {
    ObjectPtr start(from_commit);
    git_oid hide = *git_object_id(from_commit);
    if (spec.flags & GIT_REVSPEC_MERGE_BASE) {
      git_merge_base(&hide, walker.get(), git_object_id(from_commit), git_object_id(to_commit));
    }
    git_revwalk_hide(raw_walk, &hide);
  }
  git_oid oid;
  while (git_revwalk_next(&oid, raw_walk) == 0)
    change_commits.push_back(oid);
  return {};
}

void GitSource::Impl::enqueue_diff(git_commit* commit, git_tree* new_tree,
                                   const std::vector<git_tree*>& old_trees,
                                   std::shared_ptr<const CommitInfo> info) {
  struct Change {
    git_oid new_blob;
    std::optional<git_oid> old_blob;
    std::set<std::uint32_t> added;
    std::size_t parents_seen = 0;
  };
  std::map<std::string, Change> changes;
  git_index* index = nullptr;
  if (!commit && !new_tree) {
    if (git_repository_index(&index, walker.get()) != 0) {
      queue.push_back(failure("index", "cannot read the index: " + git_message()));
      return;
    }
  }
  IndexPtr index_owner(index);
  for (std::size_t parent = 0; parent < old_trees.size(); ++parent) {
    git_diff_options diff_options;
    git_diff_options_init(&diff_options, GIT_DIFF_OPTIONS_VERSION);
    diff_options.context_lines = 0;
    diff_options.interhunk_lines = 0;
    diff_options.flags = GIT_DIFF_IGNORE_SUBMODULES;
    git_diff* raw_diff = nullptr;
    int status = index ? git_diff_tree_to_index(&raw_diff, walker.get(), old_trees[parent], index,
                                                &diff_options)
                       : git_diff_tree_to_tree(&raw_diff, walker.get(), old_trees[parent], new_tree,
                                               &diff_options);
    if (status != 0) {
      queue.push_back(failure(info->sha.empty() ? "staged changes" : "commit " + info->sha,
                              "cannot diff: " + git_message()));
      return;
    }
    DiffPtr diff(raw_diff);
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    git_diff_find_similar(raw_diff, &find);
    struct Payload {
      std::map<std::string, Change>* changes;
      std::size_t parent;
    } payload{&changes, parent};
    git_diff_foreach(
        raw_diff,
        [](const git_diff_delta* delta, float, void* data) {
          auto* p = static_cast<Payload*>(data);
          if (delta->status == GIT_DELTA_DELETED || delta->new_file.mode == GIT_FILEMODE_COMMIT ||
              (delta->new_file.mode != GIT_FILEMODE_BLOB &&
               delta->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
            return 0;
          }
          Change& change = (*p->changes)[delta->new_file.path];
          if (change.parents_seen == p->parent) {  // counted once per parent that changed it
            change.new_blob = delta->new_file.id;
            if (p->parent == 0 && !git_oid_is_zero(&delta->old_file.id))
              change.old_blob = delta->old_file.id;
            ++change.parents_seen;
          }
          return 0;
        },
        nullptr, nullptr,
        [](const git_diff_delta* delta, const git_diff_hunk*, const git_diff_line* line,
           void* data) {
          auto* p = static_cast<Payload*>(data);
          if (line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0) return 0;
          auto it = p->changes->find(delta->new_file.path);
          if (it == p->changes->end()) return 0;
          // Tag the line with the parent it was added against; see the intersection below.
          it->second.added.insert(static_cast<std::uint32_t>(line->new_lineno) * 64u +
                                  static_cast<std::uint32_t>(p->parent % 64));
          return 0;
        },
        &payload);
  }
  const std::size_t parents = old_trees.size();
  for (auto& [path, change] : changes) {
    // A line counts when it was added relative to every parent (a merge's own lines).
    if (change.parents_seen < parents) continue;
    std::map<std::uint32_t, std::size_t> per_line;
    for (std::uint32_t tagged : change.added)
      ++per_line[tagged / 64u];
    std::vector<std::uint32_t> lines;
    for (const auto& [line, count] : per_line) {
      if (count == parents) lines.push_back(line);
    }
    if (lines.empty()) continue;
    auto refiner = std::make_shared<AddedLinesRefiner>(*this, std::move(lines), change.old_blob);
    queue.push_back(blob_item(change.new_blob, path, info, std::move(refiner)));
  }
}

bool GitSource::Impl::advance_changes() {
  if (options.mode == GitOptions::Mode::staged) {
    if (staged_done) return false;
    staged_done = true;
    auto info = std::make_shared<CommitInfo>();
    info->message = "staged changes";
    git_tree* head_tree = nullptr;
    git_reference* raw_head = nullptr;
    if (git_repository_head(&raw_head, walker.get()) == 0) {
      ReferencePtr head(raw_head);
      git_object* raw_tree = nullptr;
      if (git_reference_peel(&raw_tree, raw_head, GIT_OBJECT_TREE) == 0) {
        head_tree = reinterpret_cast<git_tree*>(raw_tree);
      }
    }
    TreePtr head_owner(head_tree);
    enqueue_diff(nullptr, nullptr, {head_tree}, info);
    return true;
  }
  if (next_change == change_commits.size()) return false;
  const git_oid oid = change_commits[next_change++];
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, walker.get(), &oid) != 0) {
    queue.push_back(failure("commit " + hex(oid), "cannot read commit: " + git_message()));
    return true;
  }
  CommitPtr commit(raw);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, raw) != 0) {
    queue.push_back(failure("commit " + hex(oid), "cannot read its tree: " + git_message()));
    return true;
  }
  TreePtr tree(raw_tree);
  std::vector<TreePtr> parent_trees;
  std::vector<git_tree*> old_trees;
  for (unsigned i = 0, n = git_commit_parentcount(raw); i < n; ++i) {
    git_commit* parent = nullptr;
    git_tree* parent_tree = nullptr;
    if (git_commit_parent(&parent, raw, i) != 0 || git_commit_tree(&parent_tree, parent) != 0) {
      git_commit_free(parent);
      queue.push_back(failure("commit " + hex(oid), "cannot read parent " + std::to_string(i + 1) +
                                                        ": " + git_message()));
      return true;
    }
    git_commit_free(parent);
    parent_trees.emplace_back(parent_tree);
    old_trees.push_back(parent_tree);
  }
  if (old_trees.empty()) old_trees.push_back(nullptr);  // a root commit: against the empty tree
  enqueue_diff(raw, raw_tree, old_trees, describe(raw));
  return true;
}

GitSource::GitSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GitSource::~GitSource() = default;

Result<std::unique_ptr<GitSource>> GitSource::open(const GitOptions& options) {
  initialise_libgit2();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, options.repository.c_str(), 0, nullptr) != 0) {
    return make_error(options.repository + ": not a git repository: " + git_message());
  }
  impl->walker.reset(raw);
  impl->git_dir = git_repository_path(raw);
  if (git_repository_is_shallow(raw) == 1) {
    impl->notes.push_back(
        "shallow clone: commits beyond the shallow boundary are not present and "
        "were not scanned");
  }
  auto started =
      options.mode == GitOptions::Mode::full ? impl->start_full() : impl->start_changes();
  if (!started) return make_error(options.repository + ": " + started.error().message);
  return std::unique_ptr<GitSource>(new GitSource(std::move(impl)));
}

std::unique_ptr<WorkItem> GitSource::next() {
  Impl& impl = *impl_;
  while (impl.queue.empty()) {
    if (impl.options.mode == GitOptions::Mode::full) {
      if (!impl.tree_stack.empty()) {
        impl.process_tree();
      } else if (!impl.walk_done) {
        impl.walk_done = !impl.advance_full();
      } else if (!impl.extras_done) {
        impl.extras_done = true;
        impl.enqueue_extras();
      } else {
        break;
      }
    } else if (!impl.advance_changes()) {
      break;
    }
  }
  if (impl.queue.empty()) {
    if (!impl.finished) {
      impl.finished = true;
      for (const std::string& path : impl.submodules) {
        impl.notes.push_back("submodule " + path + " was not descended (scan it separately)");
      }
      if (impl.cached_skips > 0) {
        impl.notes.push_back(std::to_string(impl.cached_skips) +
                             " blob(s) skipped: known clean from the --cache");
      }
    }
    return nullptr;
  }
  auto item = std::move(impl.queue.front());
  impl.queue.pop_front();
  return item;
}

const std::vector<std::string>& GitSource::notes() const {
  return impl_->notes;
}
std::uint64_t GitSource::items_handed_out() const {
  return impl_->handed_out_count;
}
bool GitSource::walk_finished() const {
  return impl_->finished;
}

void GitSource::finalize(std::vector<Finding>& findings) {
  Impl& impl = *impl_;
  if (impl.options.mode != GitOptions::Mode::full) return;
  auto blob_of = [](const Finding& finding) {
    git_oid oid{};
    git_oid_fromstr(&oid, field(finding.provenance, "blob").c_str());
    return oid;
  };
  std::set<std::string> at_head;
  for (const Finding& finding : findings) {
    if (impl.head_blobs.contains(blob_of(finding))) at_head.insert(finding.fingerprint);
  }
  for (Finding& finding : findings) {
    finding.provenance.fields.emplace_back(
        "status", at_head.contains(finding.fingerprint) ? "present at HEAD" : "history only");
  }
  if (!impl.options.all_provenance || findings.empty()) return;

  // Every commit and path holding a blob with findings: each distinct tree is read once and
  // remembers which of those blobs it holds, under which relative path.
  OidSet targets;
  for (const Finding& finding : findings)
    targets.insert(blob_of(finding));
  using Holdings = std::vector<std::pair<std::string, git_oid>>;
  std::unordered_map<git_oid, Holdings, OidHash, OidEqual> memo;
  std::function<const Holdings&(const git_oid&)> holdings =
      [&](const git_oid& tree_id) -> const Holdings& {
    if (auto it = memo.find(tree_id); it != memo.end()) return it->second;
    Holdings found;
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, impl.walker.get(), &tree_id) == 0) {
      TreePtr tree(raw);
      for (std::size_t i = 0, n = git_tree_entrycount(raw); i < n; ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(raw, i);
        const std::string name = git_tree_entry_name(entry);
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
            targets.contains(*git_tree_entry_id(entry))) {
          found.emplace_back(name, *git_tree_entry_id(entry));
        } else if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
          for (const auto& [path, blob] : holdings(*git_tree_entry_id(entry))) {
            found.emplace_back(name + "/" + path, blob);
          }
        }
      }
    }
    return memo.emplace(tree_id, std::move(found)).first->second;
  };
  constexpr std::size_t kMaxOccurrences = 1000;
  std::unordered_map<git_oid, std::vector<Fields>, OidHash, OidEqual> occurrences;
  for (const auto& [commit_id, info] : impl.commits) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, impl.walker.get(), &commit_id) != 0) continue;
    CommitPtr commit(raw);
    for (const auto& [path, blob] : holdings(*git_commit_tree_id(raw))) {
      auto& list = occurrences[blob];
      if (list.size() < kMaxOccurrences) {
        list.push_back({{"commit", info->sha}, {"path", path}, {"date", info->date}});
      }
    }
  }
  for (Finding& finding : findings) {
    finding.provenance.occurrences = occurrences[blob_of(finding)];
  }
}

void GitSource::update_cache(const std::vector<Finding>& findings) {
  Impl& impl = *impl_;
  if (!impl.options.cache_dir || impl.options.mode != GitOptions::Mode::full) return;
  OidSet dirty;
  for (const Finding& finding : findings) {
    git_oid oid{};
    if (git_oid_fromstr(&oid, field(finding.provenance, "blob").c_str()) == 0) dirty.insert(oid);
  }
  std::vector<git_oid> clean;
  for (const git_oid& oid : impl.handed_out_blobs) {
    if (!dirty.contains(oid)) clean.push_back(oid);
  }
  for (const git_oid& oid : impl.cached_clean)
    clean.push_back(oid);
  BlobCache(*impl.options.cache_dir, impl.cache_key()).add(clean);
}

}  // namespace leakhound
