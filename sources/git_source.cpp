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

  // Full history: the commit graph is loaded first (tips, then parents), then handed out oldest
  // first: by commit time, parents before children.
  struct CommitNode {
    git_oid id;
    std::int64_t time = 0;
    std::vector<std::size_t> children;
    std::size_t waiting_parents = 0;
  };
  std::vector<CommitNode> graph;
  std::unordered_map<git_oid, std::size_t, OidHash, OidEqual> node_of;
  std::vector<std::size_t> ready;  // a min-heap on (time, id) of nodes whose parents are out
  OidSet shallow_commits;          // listed in $GIT_DIR/shallow: their parents are cut off
  std::vector<git_oid> shallow_boundary;
  bool history_damaged = false;  // a commit or reference could not be read
  OidSet unreadable_commits;     // reported once each
  // Branch, tag and remote tips (and HEAD), with their trees: where a secret is still present.
  std::vector<std::pair<std::string, git_oid>> tip_trees;
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
  void walk_damaged_range(const git_oid& end, const std::optional<git_oid>& hide);
  bool advance_full();
  void process_tree();
  void enqueue_extras();
  bool advance_changes();
  void enqueue_diff(git_commit* commit, git_tree* new_tree, const std::vector<git_tree*>& old_trees,
                    std::shared_ptr<const CommitInfo> info);
  void load_commits(std::vector<std::pair<git_oid, std::string>> tips);
  void recover_commits();
  void order_commits();
  void read_shallow_list();
  void enqueue_message(std::string path, Fields fields, std::string text);
  void enqueue_commit_message(git_commit* commit, const CommitInfo& info);
  // Orders the ready heap so that the earliest commit (time, then id) comes out first.
  auto later_commit() const {
    return [this](std::size_t a, std::size_t b) {
      if (graph[a].time != graph[b].time) return graph[a].time > graph[b].time;
      return git_oid_cmp(&graph[a].id, &graph[b].id) > 0;
    };
  }
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

void GitSource::Impl::enqueue_message(std::string path, Fields fields, std::string text) {
  ++handed_out_count;
  auto owned = std::make_shared<std::string>(std::move(text));
  LoadResult result;
  result.input = path;
  result.blob.bytes = Buffer(*owned, owned);
  result.blob.provenance.source = "git";
  result.blob.provenance.path = std::move(path);
  result.blob.provenance.fields = std::move(fields);
  queue.push_back(std::make_unique<ResolvedItem>(std::move(result)));
}

void GitSource::Impl::enqueue_commit_message(git_commit* commit, const CommitInfo& info) {
  const char* message = git_commit_message(commit);
  if (!message || !*message) return;
  enqueue_message("(commit-message)/" + info.sha,
                  {{"kind", "commit-message"},
                   {"commit", info.sha},
                   {"author", info.author},
                   {"date", info.date}},
                  message);
}

std::string GitSource::Impl::cache_key() const {
  Sha256 hash;
  hash.update(options.rules_hash);
  hash.update(options.scan_binary ? "binary" : "text");
  hash.update(std::to_string(options.max_file_size));
  return to_hex(hash.finish()).substr(0, 32);
}

void GitSource::Impl::read_shallow_list() {
  std::ifstream in(std::filesystem::path(git_dir) / "shallow");
  std::string line;
  while (std::getline(in, line)) {
    git_oid oid;
    if (line.size() >= GIT_OID_HEXSZ && git_oid_fromstrn(&oid, line.data(), GIT_OID_HEXSZ) == 0)
      shallow_commits.insert(oid);
  }
}

static bool is_tip_reference(std::string_view name) {
  return name == "HEAD" || name.starts_with("refs/heads/") || name.starts_with("refs/tags/") ||
         name.starts_with("refs/remotes/");
}

Result<void> GitSource::Impl::start_full() {
  read_shallow_list();
  git_reference_iterator* raw_iterator = nullptr;
  if (git_reference_iterator_new(&raw_iterator, walker.get()) != 0) {
    return make_error("cannot list references: " + git_message());
  }
  IteratorPtr iterator(raw_iterator);
  std::vector<std::string> names;
  git_reference* raw_reference = nullptr;
  while (git_reference_next(&raw_reference, raw_iterator) == 0) {
    names.emplace_back(git_reference_name(raw_reference));
    git_reference_free(raw_reference);
  }
  std::sort(names.begin(), names.end());
  names.emplace_back("HEAD");  // last: a branch is named before the HEAD that points at it

  std::vector<std::pair<git_oid, std::string>> tips;
  for (const std::string& name : names) {
    git_reference* raw = nullptr;
    int status = git_reference_lookup(&raw, walker.get(), name.c_str());
    if (status != 0) {
      if (name != "HEAD") {
        history_damaged = true;
        queue.push_back(failure("reference " + name, "cannot be read: " + git_message()));
      }
      continue;
    }
    ReferencePtr reference(raw);
    git_reference* raw_resolved = nullptr;
    status = git_reference_resolve(&raw_resolved, raw);
    if (status == GIT_ENOTFOUND && name == "HEAD") continue;  // an unborn branch
    if (status != 0) {
      history_damaged = true;
      queue.push_back(failure("reference " + name, "cannot be resolved: " + git_message()));
      continue;
    }
    ReferencePtr resolved(raw_resolved);
    const git_oid target = *git_reference_target(raw_resolved);
    git_object* raw_object = nullptr;
    if (git_object_lookup(&raw_object, walker.get(), &target, GIT_OBJECT_ANY) != 0) {
      history_damaged = true;
      if (unreadable_commits.insert(target).second) {  // HEAD and its branch: said once
        queue.push_back(failure("reference " + name,
                                "its object " + hex(target) + " cannot be read: " + git_message()));
      }
      continue;
    }
    ObjectPtr object(raw_object);
    if (git_object_type(raw_object) == GIT_OBJECT_TAG && name != "HEAD") {
      auto* tag = reinterpret_cast<git_tag*>(raw_object);
      Fields fields = {{"kind", "tag-message"}, {"tag", hex(target)}, {"ref", name}};
      if (const git_signature* tagger = git_tag_tagger(tag)) {
        fields.emplace_back("author", std::string(tagger->name ? tagger->name : "") + " <" +
                                          (tagger->email ? tagger->email : "") + ">");
        fields.emplace_back("date", iso_date(tagger->when));
      }
      const char* message = git_tag_message(tag);
      if (message && *message) enqueue_message("(tag-message)/" + name, fields, message);
    }
    git_object* raw_peeled = nullptr;
    if (git_object_peel(&raw_peeled, raw_object, GIT_OBJECT_COMMIT) == 0) {
      ObjectPtr commit(raw_peeled);
      tips.emplace_back(*git_object_id(raw_peeled), "tip of " + name);
      if (is_tip_reference(name))
        tip_trees.emplace_back(name,
                               *git_commit_tree_id(reinterpret_cast<git_commit*>(raw_peeled)));
      continue;
    }
    git_object* raw_target = nullptr;
    if (git_object_peel(&raw_target, raw_object, GIT_OBJECT_ANY) != 0 &&
        git_object_type(raw_object) == GIT_OBJECT_TAG) {
      history_damaged = true;
      queue.push_back(
          failure("reference " + name, "the tagged object cannot be read: " + git_message()));
      continue;
    }
    ObjectPtr peeled(raw_target);
    const git_object* end = raw_target ? raw_target : raw_object;
    if (git_object_type(end) == GIT_OBJECT_TREE || git_object_type(end) == GIT_OBJECT_BLOB) {
      tagged_roots.emplace_back(*git_object_id(end), name);
      if (git_object_type(end) == GIT_OBJECT_TREE && is_tip_reference(name))
        tip_trees.emplace_back(name, *git_object_id(end));
    }
  }
  if (names.size() == 1 && tips.empty()) notes.push_back("the repository has no commits");
  load_commits(std::move(tips));
  if (history_damaged) recover_commits();
  order_commits();
  if (!shallow_boundary.empty()) {
    std::string ids;
    for (std::size_t i = 0; i < shallow_boundary.size() && i < 5; ++i)
      ids += (i ? ", " : "") + hex(shallow_boundary[i]).substr(0, 12);
    if (shallow_boundary.size() > 5) ids += ", ...";
    const std::string where = "shallow clone: history stops at " +
                              std::to_string(shallow_boundary.size()) + " commit(s) (" + ids +
                              ") whose parents are not in the clone";
    notes.push_back(where +
                    "; older commits were not scanned (run `git fetch --unshallow` to scan "
                    "the full history)");
    if (options.require_full_history) {
      queue.push_back(failure("history", where + " and --require-full-history was given"));
    }
  }
  if (options.cache_dir) {
    std::string note;
    cached_clean = BlobCache(*options.cache_dir, cache_key()).load(note);
    if (!note.empty()) notes.push_back(note);
  }
  return {};
}

// Loads every commit reachable from `tips` (each with who points at it, for messages). A commit
// that cannot be read fails as an item of its own, naming who referred to it; a parent missing
// beyond a shallow clone's boundary is where the history stops.
void GitSource::Impl::load_commits(std::vector<std::pair<git_oid, std::string>> tips) {
  std::vector<std::pair<git_oid, std::string>> stack(tips.rbegin(), tips.rend());
  const std::size_t first_node = graph.size();
  std::vector<std::vector<git_oid>> parents_of;  // of the nodes this call adds
  OidSet& failed = unreadable_commits;
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, walker.get()) != 0) raw_odb = nullptr;
  std::unique_ptr<git_odb, Deleter<git_odb, git_odb_free>> odb(raw_odb);
  while (!stack.empty()) {
    auto [oid, referrer] = std::move(stack.back());
    stack.pop_back();
    if (node_of.contains(oid) || failed.contains(oid)) continue;
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, walker.get(), &oid) != 0) {
      failed.insert(oid);
      history_damaged = true;
      queue.push_back(failure("commit " + hex(oid) + " (" + referrer + ")",
                              "cannot read commit: " + git_message()));
      continue;
    }
    CommitPtr commit(raw);
    node_of.emplace(oid, graph.size());
    graph.push_back({oid, static_cast<std::int64_t>(git_commit_time(raw)), {}, 0});
    auto& parents = parents_of.emplace_back();
    const bool shallow = shallow_commits.contains(oid);
    bool cut = false;
    for (unsigned i = 0, n = git_commit_parentcount(raw); i < n; ++i) {
      const git_oid parent = *git_commit_parent_id(raw, i);
      if (shallow && odb && !git_odb_exists(odb.get(), &parent)) {
        cut = true;
        continue;
      }
      parents.push_back(parent);
      stack.emplace_back(parent, "parent of " + hex(oid).substr(0, 12));
    }
    if (cut) shallow_boundary.push_back(oid);
  }
  for (std::size_t k = 0; k < parents_of.size(); ++k) {
    const std::size_t node = first_node + k;
    for (const git_oid& parent : parents_of[k]) {
      auto it = node_of.find(parent);
      if (it == node_of.end()) continue;
      graph[it->second].children.push_back(node);
      ++graph[node].waiting_parents;
    }
  }
}

// After damage: commits that no readable commit or reference leads to any more (their child
// or tip could not be read) are found in the object database and scanned too.
void GitSource::Impl::recover_commits() {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, walker.get()) != 0) return;
  std::unique_ptr<git_odb, Deleter<git_odb, git_odb_free>> odb(raw_odb);
  struct Context {
    git_odb* odb;
    Impl* impl;
    std::vector<git_oid> found;
  } context{raw_odb, this, {}};
  git_odb_foreach(
      raw_odb,
      [](const git_oid* id, void* payload) {
        auto* ctx = static_cast<Context*>(payload);
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (!ctx->impl->node_of.contains(*id) && !ctx->impl->unreadable_commits.contains(*id) &&
            git_odb_read_header(&size, &type, ctx->odb, id) == 0 && type == GIT_OBJECT_COMMIT) {
          ctx->found.push_back(*id);
        }
        return 0;
      },
      &context);
  std::sort(context.found.begin(), context.found.end(),
            [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
  std::vector<std::pair<git_oid, std::string>> tips;
  for (const git_oid& oid : context.found)
    tips.emplace_back(oid, "found in the object database");
  const std::size_t before = graph.size();
  load_commits(std::move(tips));
  if (graph.size() > before) {
    notes.push_back(std::to_string(graph.size() - before) +
                    " commit(s) that no readable reference leads to were found in the object "
                    "database and scanned, as the history is damaged");
  }
}

void GitSource::Impl::order_commits() {
  for (std::size_t node = 0; node < graph.size(); ++node) {
    if (graph[node].waiting_parents == 0) ready.push_back(node);
  }
  std::make_heap(ready.begin(), ready.end(), later_commit());
}

bool GitSource::Impl::advance_full() {
  if (ready.empty()) return false;
  std::pop_heap(ready.begin(), ready.end(), later_commit());
  const std::size_t node = ready.back();
  ready.pop_back();
  for (std::size_t child : graph[node].children) {
    if (--graph[child].waiting_parents == 0) {
      ready.push_back(child);
      std::push_heap(ready.begin(), ready.end(), later_commit());
    }
  }
  const git_oid oid = graph[node].id;
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, walker.get(), &oid) != 0) {
    queue.push_back(failure("commit " + hex(oid), "cannot read commit: " + git_message()));
    return true;
  }
  CommitPtr commit(raw);
  current_commit = describe(raw);
  if (options.all_provenance) commits.emplace_back(oid, current_commit);
  enqueue_commit_message(raw, *current_commit);
  const git_oid* tree = git_commit_tree_id(raw);
  if (seen_trees.insert(*tree).second) tree_stack.push_back({*tree, ""});
  return true;
}

void GitSource::Impl::process_tree() {
  PendingTree pending = std::move(tree_stack.back());
  tree_stack.pop_back();
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, walker.get(), &pending.id) != 0) {
    const std::string commit =
        current_commit && !current_commit->sha.empty() ? current_commit->sha.substr(0, 12) : "tag";
    queue.push_back(failure("tree " + hex(pending.id) + " (" + commit + ":" +
                                (pending.prefix.empty() ? "/" : pending.prefix) + ")",
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
  std::optional<git_oid> hidden;
  if (git_object_peel(&from_commit, from.get(), GIT_OBJECT_COMMIT) == 0) {
    ObjectPtr start(from_commit);
    git_oid hide = *git_object_id(from_commit);
    if (spec.flags & GIT_REVSPEC_MERGE_BASE) {
      git_merge_base(&hide, walker.get(), git_object_id(from_commit), git_object_id(to_commit));
    }
    git_revwalk_hide(raw_walk, &hide);
    hidden = hide;
  }
  git_oid oid;
  int status = 0;
  while ((status = git_revwalk_next(&oid, raw_walk)) == 0)
    change_commits.push_back(oid);
  if (status != GIT_ITEROVER) {
    // libgit2 stops at the first commit it cannot read; walk again on our own, so that every
    // readable commit of the range is still scanned and each unreadable one is named.
    const std::string reason = git_message();
    const std::size_t problems = queue.size();
    change_commits.clear();
    walk_damaged_range(*git_object_id(to_commit), hidden);
    if (queue.size() == problems) {  // nothing unreadable on our walk: still say what failed
      queue.push_back(
          failure("range " + options.revision, "cannot walk all of its commits: " + reason));
    }
  }
  return {};
}

// The commits of a range whose history is damaged: those reachable from `end` and not from
// `hide`, parents before children (as the revwalk would give them). A commit that cannot be
// read fails on its own, naming who refers to it, and the walk goes on past it where it can.
void GitSource::Impl::walk_damaged_range(const git_oid& end, const std::optional<git_oid>& hide) {
  auto parents_of = [&](const git_oid& oid, const std::string& referrer, bool report,
                        std::vector<git_oid>& parents) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, walker.get(), &oid) != 0) {
      if (report) {
        queue.push_back(failure("commit " + hex(oid) + " (" + referrer + ")",
                                "cannot read commit: " + git_message()));
      }
      return false;
    }
    CommitPtr commit(raw);
    for (unsigned i = 0, n = git_commit_parentcount(raw); i < n; ++i)
      parents.push_back(*git_commit_parent_id(raw, i));
    return true;
  };
  OidSet hidden;
  if (hide) {
    std::vector<git_oid> stack{*hide};
    while (!stack.empty()) {
      const git_oid oid = stack.back();
      stack.pop_back();
      if (!hidden.insert(oid).second) continue;
      std::vector<git_oid> parents;
      parents_of(oid, "", false, parents);  // below unreadable start commits, nothing is hidden
      stack.insert(stack.end(), parents.begin(), parents.end());
    }
  }
  // Depth-first from the end; a commit is emitted once all its parents in the range are.
  struct Frame {
    git_oid oid;
    std::vector<git_oid> parents;
    std::size_t next = 0;
  };
  OidSet visited;
  std::vector<Frame> stack;
  auto enter = [&](const git_oid& oid, const std::string& referrer) {
    if (hidden.contains(oid) || !visited.insert(oid).second) return;
    Frame frame{oid, {}, 0};
    if (!parents_of(oid, referrer, true, frame.parents)) return;
    stack.push_back(std::move(frame));
  };
  enter(end, "end of range " + options.revision);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next < top.parents.size()) {
      const git_oid parent = top.parents[top.next++];
      enter(parent, "parent of " + hex(top.oid).substr(0, 12));
      continue;
    }
    change_commits.push_back(top.oid);
    stack.pop_back();
  }
}

void GitSource::Impl::enqueue_diff(git_commit* commit, git_tree* new_tree,
                                   const std::vector<git_tree*>& old_trees,
                                   std::shared_ptr<const CommitInfo> info) {
  struct Change {
    git_oid new_blob;
    std::optional<git_oid> old_blob;
    std::set<std::uint32_t> added;
    std::size_t parents_seen = 0;
    bool failed = false;  // its blob could not be read: already reported
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
    git_diff_find_similar(raw_diff, &find);  // on failure: no renames, every change still seen
    // Delta by delta, so that a blob that cannot be read fails its own path only.
    for (std::size_t d = 0, n = git_diff_num_deltas(raw_diff); d < n; ++d) {
      const git_diff_delta* delta = git_diff_get_delta(raw_diff, d);
      if (delta->status == GIT_DELTA_DELETED || delta->new_file.mode == GIT_FILEMODE_COMMIT ||
          (delta->new_file.mode != GIT_FILEMODE_BLOB &&
           delta->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
        continue;
      }
      Change& change = changes[delta->new_file.path];
      if (change.parents_seen != parent) continue;  // counted once per parent that changed it
      change.new_blob = delta->new_file.id;
      if (parent == 0 && !git_oid_is_zero(&delta->old_file.id))
        change.old_blob = delta->old_file.id;
      ++change.parents_seen;
      git_patch* raw_patch = nullptr;
      if (git_patch_from_diff(&raw_patch, raw_diff, d) != 0) {
        if (!change.failed) {
          const std::string where = info->sha.empty() ? "staged" : info->sha.substr(0, 12);
          queue.push_back(failure(where + ":" + delta->new_file.path,
                                  "cannot read object " + hex(delta->new_file.id) +
                                      " or its previous version: " + git_message()));
        }
        change.failed = true;
        continue;
      }
      std::unique_ptr<git_patch, Deleter<git_patch, git_patch_free>> patch(raw_patch);
      for (std::size_t h = 0, hunks = git_patch_num_hunks(raw_patch); h < hunks; ++h) {
        const int lines = git_patch_num_lines_in_hunk(raw_patch, h);
        for (int l = 0; l < lines; ++l) {
          const git_diff_line* line = nullptr;
          if (git_patch_get_line_in_hunk(&line, raw_patch, h, static_cast<std::size_t>(l)) != 0)
            continue;
          if (line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0) continue;
          // Tag the line with the parent it was added against; see the intersection below.
          change.added.insert(static_cast<std::uint32_t>(line->new_lineno) * 64u +
                              static_cast<std::uint32_t>(parent % 64));
        }
      }
    }
  }
  const std::size_t parents = old_trees.size();
  for (auto& [path, change] : changes) {
    // A line counts when it was added relative to every parent (a merge's own lines).
    if (change.parents_seen < parents || change.failed) continue;
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
    // Before the first commit the index is compared with the empty tree. A HEAD that exists
    // but cannot be read is an error; the index is then compared with the empty tree too, so
    // every staged secret is still found.
    git_tree* head_tree = nullptr;
    git_reference* raw_head = nullptr;
    const int status = git_repository_head(&raw_head, walker.get());
    if (status == 0) {
      ReferencePtr head(raw_head);
      git_object* raw_tree = nullptr;
      if (git_reference_peel(&raw_tree, raw_head, GIT_OBJECT_TREE) == 0) {
        head_tree = reinterpret_cast<git_tree*>(raw_tree);
      } else {
        queue.push_back(failure("HEAD",
                                "cannot read its commit or tree (the staged changes are "
                                "compared with an empty tree): " +
                                    git_message()));
      }
    } else if (status != GIT_EUNBORNBRANCH && status != GIT_ENOTFOUND) {
      queue.push_back(failure("HEAD",
                              "cannot be read (the staged changes are compared with an "
                              "empty tree): " +
                                  git_message()));
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
  auto info = describe(raw);
  enqueue_commit_message(raw, *info);
  enqueue_diff(raw, raw_tree, old_trees, std::move(info));
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
  if (options.mode != GitOptions::Mode::full && git_repository_is_shallow(raw) == 1) {
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
  // Commit and tag messages are echoed in other findings' provenance; every secret the scan
  // confirmed is masked there (its own finding still shows it with --show-secrets).
  mask_secrets_across(findings);
  if (impl.options.mode != GitOptions::Mode::full) return;
  auto blob_of = [](const Finding& finding) {
    git_oid oid{};
    if (git_oid_fromstr(&oid, field(finding.provenance, "blob").c_str()) != 0) return git_oid{};
    return oid;
  };

  // Each distinct tree is read once and remembers which blobs with findings it holds, under
  // which relative path.
  OidSet targets;
  std::unordered_map<git_oid, std::set<std::string>, OidHash, OidEqual> fingerprints_of;
  for (const Finding& finding : findings) {
    const git_oid blob = blob_of(finding);
    if (git_oid_is_zero(&blob)) continue;
    targets.insert(blob);
    fingerprints_of[blob].insert(finding.fingerprint);
  }
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

  // Still present: the secret (in any blob) is in the tree of a branch, tag or remote tip.
  std::map<std::string, std::vector<std::string>> present_at;  // fingerprint -> tips
  if (!targets.empty()) {
    for (const auto& [name, tree] : impl.tip_trees) {
      std::set<std::string> here;
      for (const auto& [path, blob] : holdings(tree)) {
        const auto& prints = fingerprints_of[blob];
        here.insert(prints.begin(), prints.end());
      }
      for (const std::string& print : here)
        present_at[print].push_back(name);
    }
  }

  // One finding per (secret, path), credited to the first commit that introduced it (findings
  // come in commit order). Later versions, and the same secret at other paths, are occurrences.
  constexpr std::size_t kMaxOccurrences = 1000;
  auto add_occurrence = [&](Finding& finding, Fields entry) {
    auto& list = finding.provenance.occurrences;
    if (list.size() < kMaxOccurrences && std::find(list.begin(), list.end(), entry) == list.end())
      list.push_back(std::move(entry));
  };
  auto place = [](const Finding& finding) {
    Fields entry;
    for (const char* key : {"commit", "tag", "path", "blob", "line", "date"}) {
      if (std::string_view(key) == "path") {
        entry.emplace_back("path", finding.provenance.path);
      } else if (std::string_view(key) == "line") {
        entry.emplace_back("line", std::to_string(finding.line));
      } else if (auto value = field(finding.provenance, key); !value.empty()) {
        entry.emplace_back(key, std::move(value));
      }
    }
    return entry;
  };
  std::vector<Finding> merged;
  merged.reserve(findings.size());
  std::map<std::pair<std::string, std::string>, std::size_t> first_of;  // (fingerprint, path)
  for (Finding& finding : findings) {
    auto key = std::make_pair(finding.fingerprint, finding.provenance.path);
    if (auto it = first_of.find(key); it != first_of.end()) {
      add_occurrence(merged[it->second], place(finding));
      continue;
    }
    first_of.emplace(std::move(key), merged.size());
    merged.push_back(std::move(finding));
  }
  std::map<std::string, std::vector<std::size_t>> by_secret;
  for (std::size_t i = 0; i < merged.size(); ++i)
    by_secret[merged[i].fingerprint].push_back(i);
  for (const auto& [print, indices] : by_secret) {
    for (std::size_t i : indices) {
      for (std::size_t j : indices) {
        if (i != j) add_occurrence(merged[i], place(merged[j]));
      }
    }
  }
  findings = std::move(merged);
  for (Finding& finding : findings) {
    if (field(finding.provenance, "blob").empty()) continue;  // a commit or tag message
    auto it = present_at.find(finding.fingerprint);
    const std::vector<std::string> tips =
        it == present_at.end() ? std::vector<std::string>{} : it->second;
    const bool at_head = std::find(tips.begin(), tips.end(), "HEAD") != tips.end();
    finding.provenance.fields.emplace_back("status", at_head         ? "present at HEAD"
                                                     : !tips.empty() ? "present at a ref tip"
                                                                     : "history only");
    finding.present_at = tips;
  }
  if (!impl.options.all_provenance || findings.empty()) return;

  // --all-provenance: every commit and path holding a blob with findings.
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
    for (Fields& entry : occurrences[blob_of(finding)])
      add_occurrence(finding, std::move(entry));
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
