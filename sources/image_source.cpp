#include "sources/image_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "engine/hashing.h"
#include "sources/filesystem_source.h"

namespace leakhound {
namespace {

constexpr std::uint64_t kMaxMetadataSize = 16ull << 20;  // manifests, indexes, configs
constexpr std::size_t kMaxOccurrences = 1000;
constexpr std::uint64_t kMinBombAllowance = 1ull << 20;  // ratios are not judged below 1 MiB

std::string errno_text(int error) {
  return std::strerror(error);
}

std::string short_digest(const std::string& digest) {
  const std::size_t colon = digest.find(':');
  const std::size_t start = colon == std::string::npos ? 0 : colon + 1;
  return digest.substr(0, std::min(digest.size(), start + 12));
}

// "a/./b//c" -> "a/b/c", without leading "./" or "/"; `escapes` when a ".." climbs out.
std::string normalize_path(std::string_view name, bool& escapes) {
  std::vector<std::string_view> parts;
  escapes = false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    std::string_view part = name.substr(start, slash - start);
    if (part == "..") {
      if (parts.empty())
        escapes = true;
      else
        parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// A link target resolved from the directory holding the link; absolute targets are relative to
// the image root, as a container sees them. True when it stays inside the image.
bool link_stays_inside(const std::string& link_path, std::string_view target) {
  bool escapes = false;
  if (target.starts_with('/')) {
    normalize_path(target, escapes);
  } else {
    const std::string dir = parent_of(link_path);
    normalize_path(dir.empty() ? std::string(target) : dir + "/" + std::string(target), escapes);
  }
  return !escapes;
}

bool is_nested_archive_name(std::string_view path) {
  std::string lower(path);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view suffix : {".zip", ".jar", ".war", ".ear", ".tar", ".tar.gz", ".tgz"}) {
    if (lower.ends_with(suffix)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Byte streams feeding libarchive: a file, or one entry of an enclosing (uncompressed) tarball.

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Sets `data` to the next bytes; returns their count, 0 at the end, -1 on error (see error()).
  virtual std::int64_t read(const void** data) = 0;
  virtual std::string error() const = 0;
};

class FileStream : public ByteStream {
 public:
  explicit FileStream(int fd) : fd_(fd), buffer_(new char[kBufferSize]) {}
  ~FileStream() override { ::close(fd_); }
  std::int64_t read(const void** data) override {
    while (true) {
      ssize_t got = ::read(fd_, buffer_.get(), kBufferSize);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        error_ = errno_text(errno);
        return -1;
      }
      *data = buffer_.get();
      return got;
    }
  }
  std::string error() const override { return error_; }

 private:
  static constexpr std::size_t kBufferSize = 1 << 20;
  int fd_;
  std::unique_ptr<char[]> buffer_;
  std::string error_;
};

struct ArchiveDeleter {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

class TarEntryStream : public ByteStream {
 public:
  explicit TarEntryStream(ArchivePtr outer) : outer_(std::move(outer)) {}
  std::int64_t read(const void** data) override {
    std::size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(outer_.get(), data, &size, &offset);
    if (status == ARCHIVE_EOF) return 0;
    if (status < ARCHIVE_WARN) return -1;
    return static_cast<std::int64_t>(size);
  }
  std::string error() const override {
    const char* text = archive_error_string(outer_.get());
    return text ? text : "read error";
  }

 private:
  ArchivePtr outer_;
};

// Hashes and counts what passes through, for --verify-digests.
class CheckedStream {
 public:
  CheckedStream(std::unique_ptr<ByteStream> inner, bool hash)
      : inner_(std::move(inner)), hash_(hash) {}
  std::int64_t read(const void** data) {
    std::int64_t got = inner_->read(data);
    if (got > 0 && hash_) hasher_.update(*data, static_cast<std::size_t>(got));
    return got;
  }
  // Reads whatever the archive reader left (tar padding) so the digest covers every byte.
  Result<std::string> finish_digest() {
    const void* data = nullptr;
    std::int64_t got = 0;
    while ((got = read(&data)) > 0) {
    }
    if (got < 0) return make_error(inner_->error());
    return "sha256:" + to_hex(hasher_.finish());
  }
  std::string error() const { return inner_->error(); }

 private:
  std::unique_ptr<ByteStream> inner_;
  bool hash_;
  Sha256 hasher_;
};

la_ssize_t read_checked_stream(archive*, void* client, const void** buffer) {
  return static_cast<la_ssize_t>(static_cast<CheckedStream*>(client)->read(buffer));
}

// ---------------------------------------------------------------------------------------------
// Where the image's blobs are: a layout directory or a tarball.

class ImageStore {
 public:
  virtual ~ImageStore() = default;
  virtual bool exists(const std::string& name) = 0;
  virtual Result<std::unique_ptr<ByteStream>> open(const std::string& name) = 0;
  // Problems met while indexing (a truncated tarball), reported as failed items.
  std::vector<std::string> problems;

  Result<std::string> read_all(const std::string& name) {
    auto stream = open(name);
    if (!stream) return stream.error();
    std::string out;
    const void* data = nullptr;
    std::int64_t got = 0;
    while ((got = stream.value()->read(&data)) > 0) {
      out.append(static_cast<const char*>(data), static_cast<std::size_t>(got));
      if (out.size() > kMaxMetadataSize) return make_error(name + ": metadata over 16 MiB");
    }
    if (got < 0) return make_error(name + ": cannot read: " + stream.value()->error());
    return out;
  }
};

class DirectoryStore : public ImageStore {
 public:
  explicit DirectoryStore(std::string root) : root_(std::move(root)) {}
  bool exists(const std::string& name) override {
    struct stat info {};
    return ::stat((root_ + "/" + name).c_str(), &info) == 0 && S_ISREG(info.st_mode);
  }
  Result<std::unique_ptr<ByteStream>> open(const std::string& name) override {
    int fd = ::open((root_ + "/" + name).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return make_error(name + ": cannot open: " + errno_text(errno));
    return std::unique_ptr<ByteStream>(std::make_unique<FileStream>(fd));
  }

 private:
  std::string root_;
};

ArchivePtr new_tar_reader() {
  ArchivePtr handle(archive_read_new());
  archive_read_support_filter_all(handle.get());
  archive_read_support_format_tar(handle.get());
  return handle;
}

class TarStore : public ImageStore {
 public:
  explicit TarStore(std::string path) : path_(std::move(path)) {}

  Result<void> index() {
    ArchivePtr handle = new_tar_reader();
    if (archive_read_open_filename(handle.get(), path_.c_str(), 1 << 16) != ARCHIVE_OK) {
      return make_error(path_ + ": not a readable tarball: " + error_of(handle.get()));
    }
    archive_entry* entry = nullptr;
    while (true) {
      int status = archive_read_next_header(handle.get(), &entry);
      if (status == ARCHIVE_EOF) break;
      if (status == ARCHIVE_RETRY) {  // a damaged header: libarchive resyncs to the next one
        if (problems.empty() || problems.back().rfind("damaged entry header", 0) != 0)
          problems.push_back("damaged entry header after " + std::to_string(names_.size()) +
                             " entries: " + error_of(handle.get()));
        continue;
      }
      if (status < ARCHIVE_WARN) {
        if (names_.empty())
          return make_error(path_ + ": not a readable tarball: " + error_of(handle.get()));
        problems.push_back("truncated or corrupt tarball after " + std::to_string(names_.size()) +
                           " entries: " + error_of(handle.get()));
        break;
      }
      if (const char* name = archive_entry_pathname(entry)) {
        bool escapes = false;
        names_.insert(normalize_path(name, escapes));
      }
      if (archive_read_data_skip(handle.get()) < ARCHIVE_WARN) {
        problems.push_back("truncated or corrupt tarball after " + std::to_string(names_.size()) +
                           " entries: " + error_of(handle.get()));
        break;
      }
    }
    return {};
  }

  bool exists(const std::string& name) override { return names_.count(name) > 0; }

  Result<std::unique_ptr<ByteStream>> open(const std::string& name) override {
    ArchivePtr handle = new_tar_reader();
    if (archive_read_open_filename(handle.get(), path_.c_str(), 1 << 16) != ARCHIVE_OK) {
      return make_error(path_ + ": cannot open: " + error_of(handle.get()));
    }
    archive_entry* entry = nullptr;
    while (archive_read_next_header(handle.get(), &entry) >= ARCHIVE_WARN) {
      const char* entry_name = archive_entry_pathname(entry);
      bool escapes = false;
      if (entry_name && normalize_path(entry_name, escapes) == name) {
        return std::unique_ptr<ByteStream>(std::make_unique<TarEntryStream>(std::move(handle)));
      }
      if (archive_read_data_skip(handle.get()) < ARCHIVE_WARN) break;
    }
    return make_error(name + ": missing from " + path_);
  }

 private:
  static std::string error_of(archive* handle) {
    const char* text = archive_error_string(handle);
    return text ? text : "unknown error";
  }
  std::string path_;
  std::set<std::string> names_;
};

// ---------------------------------------------------------------------------------------------
// The plan: which images, configs and layers to read, from manifest.json or an OCI index.

struct LayerPlan {
  std::string blob;    // name in the store
  std::string digest;  // the digest to report (and to verify against)
  std::string created_by;
};

struct ImagePlan {
  std::string reference;
  std::string manifest_digest;
  std::string platform;
  std::string config_blob;
  std::string config_digest;
  std::string config_text;
  std::vector<LayerPlan> layers;
};

std::string_view string_at(simdjson::dom::element element, std::string_view key) {
  std::string_view value;
  if (element[key].get(value)) return {};
  return value;
}

std::string blob_name(std::string_view digest) {
  const std::size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return {};
  std::string algorithm(digest.substr(0, colon));
  std::string hex(digest.substr(colon + 1));
  if (algorithm.empty() || hex.empty() || hex.find('/') != std::string::npos ||
      algorithm.find('/') != std::string::npos || hex.find("..") != std::string::npos)
    return {};
  return "blobs/" + algorithm + "/" + hex;
}

std::string platform_of(simdjson::dom::element element) {
  std::string os(string_at(element, "os"));
  std::string architecture(string_at(element, "architecture"));
  std::string variant(string_at(element, "variant"));
  if (os.empty() && architecture.empty()) return {};
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

bool platform_matches(const std::string& wanted, const std::string& platform) {
  return wanted.empty() || platform == wanted || platform.starts_with(wanted + "/");
}

struct ConfigFacts {
  std::string platform;
  std::vector<std::string> diff_ids;
  std::vector<std::string> created_by_per_layer;
};

Result<ConfigFacts> parse_config(const std::string& text, const std::string& name) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (auto error = parser.parse(text).get(document)) {
    return make_error(name + ": invalid image configuration: " + simdjson::error_message(error));
  }
  ConfigFacts facts;
  facts.platform = platform_of(document);
  simdjson::dom::array diff_ids;
  if (!document["rootfs"]["diff_ids"].get(diff_ids)) {
    for (simdjson::dom::element id : diff_ids) {
      std::string_view value;
      facts.diff_ids.emplace_back(id.get(value) ? std::string_view() : value);
    }
  }
  simdjson::dom::array history;
  if (!document["history"].get(history)) {
    for (simdjson::dom::element step : history) {
      bool empty = false;
      if (step["empty_layer"].get(empty)) empty = false;
      if (!empty) facts.created_by_per_layer.emplace_back(string_at(step, "created_by"));
    }
  }
  return facts;
}

bool verify_text(const std::string& text, const std::string& digest) {
  return digest == "sha256:" + to_hex(sha256(text));
}

class Planner {
 public:
  Planner(ImageStore& store, const ImageOptions& options) : store_(store), options_(options) {}

  Result<std::vector<ImagePlan>> plan() {
    if (store_.exists("oci-layout") && store_.exists("index.json")) return plan_oci();
    if (store_.exists("manifest.json")) return plan_docker();
    return make_error(options_.path +
                      ": not an image: no manifest.json (docker save) nor oci-layout and "
                      "index.json (OCI layout)");
  }

  std::vector<std::string> problems;

 private:
  Result<std::vector<ImagePlan>> plan_docker() {
    auto text = store_.read_all("manifest.json");
    if (!text) return text.error();
    simdjson::dom::parser parser;
    simdjson::dom::array manifests;
    if (auto error = parser.parse(text.value()).get(manifests)) {
      return make_error(options_.path + ": manifest.json: not a JSON array of images: " +
                        simdjson::error_message(error));
    }
    struct Entry {
      std::string reference, config;
      std::vector<std::string> layers;
    };
    std::vector<Entry> entries;
    for (simdjson::dom::element manifest : manifests) {
      Entry entry;
      simdjson::dom::array tags;
      if (!manifest["RepoTags"].get(tags)) {
        for (simdjson::dom::element tag : tags) {
          std::string_view value;
          if (!tag.get(value) && entry.reference.empty()) entry.reference = value;
        }
      }
      bool escapes = false;
      entry.config = normalize_path(string_at(manifest, "Config"), escapes);
      simdjson::dom::array layers;
      if (!manifest["Layers"].get(layers)) {
        for (simdjson::dom::element layer : layers) {
          std::string_view value;
          if (!layer.get(value)) entry.layers.push_back(normalize_path(value, escapes));
        }
      }
      entries.push_back(std::move(entry));
    }
    std::vector<ImagePlan> plans;
    for (Entry& entry : entries) {
      ImagePlan plan;
      plan.reference = entry.reference.empty() ? "(untagged)" : entry.reference;
      plan.config_blob = entry.config;
      ConfigFacts facts;
      auto config = store_.read_all(entry.config);
      if (!config) {
        problems.push_back(plan.reference + ": configuration " + entry.config +
                           " is missing or unreadable: " + config.error().message);
      } else {
        plan.config_text = std::move(config).value();
        plan.config_digest = "sha256:" + to_hex(sha256(plan.config_text));
        auto parsed = parse_config(plan.config_text, entry.config);
        if (parsed)
          facts = std::move(parsed).value();
        else
          problems.push_back(plan.reference + ": " + parsed.error().message);
      }
      plan.platform = facts.platform;
      if (!platform_matches(options_.platform, plan.platform)) continue;
      for (std::size_t index = 0; index < entry.layers.size(); ++index) {
        LayerPlan layer;
        layer.blob = entry.layers[index];
        if (entry.layers[index].starts_with("blobs/sha256/")) {
          layer.digest = "sha256:" + entry.layers[index].substr(13);
        } else if (index < facts.diff_ids.size()) {
          layer.digest = facts.diff_ids[index];
        }
        if (index < facts.created_by_per_layer.size())
          layer.created_by = facts.created_by_per_layer[index];
        plan.layers.push_back(std::move(layer));
      }
      plans.push_back(std::move(plan));
    }
    return plans;
  }

  Result<std::vector<ImagePlan>> plan_oci() {
    auto text = store_.read_all("index.json");
    if (!text) return text.error();
    std::vector<ImagePlan> plans;
    if (auto walked = walk_index(text.value(), "index.json", "", 0, plans); !walked) {
      return walked.error();
    }
    return plans;
  }

  struct Descriptor {
    std::string media_type, digest, reference, platform;
  };

  Result<void> walk_index(const std::string& text, const std::string& name,
                          const std::string& reference, int depth, std::vector<ImagePlan>& plans) {
    if (depth > 4) return make_error(name + ": image indexes nested too deep");
    std::vector<Descriptor> descriptors;
    {
      simdjson::dom::parser parser;
      simdjson::dom::element document;
      if (auto error = parser.parse(text).get(document)) {
        return make_error(options_.path + ": " + name +
                          ": invalid JSON: " + simdjson::error_message(error));
      }
      simdjson::dom::array manifests;
      if (document["manifests"].get(manifests)) {
        return make_error(options_.path + ": " + name + ": no manifests array");
      }
      for (simdjson::dom::element manifest : manifests) {
        Descriptor descriptor;
        descriptor.media_type = string_at(manifest, "mediaType");
        descriptor.digest = string_at(manifest, "digest");
        simdjson::dom::element annotations;
        if (!manifest["annotations"].get(annotations)) {
          descriptor.reference = string_at(annotations, "io.containerd.image.name");
          if (descriptor.reference.empty())
            descriptor.reference = string_at(annotations, "org.opencontainers.image.ref.name");
        }
        if (descriptor.reference.empty()) descriptor.reference = reference;
        simdjson::dom::element platform;
        if (!manifest["platform"].get(platform)) descriptor.platform = platform_of(platform);
        descriptors.push_back(std::move(descriptor));
      }
    }
    for (const Descriptor& descriptor : descriptors) {
      const std::string blob = blob_name(descriptor.digest);
      const std::string what =
          (descriptor.reference.empty() ? "(untagged)" : descriptor.reference) + " manifest " +
          descriptor.digest;
      if (blob.empty()) {
        problems.push_back(what + ": invalid digest");
        continue;
      }
      if (!descriptor.platform.empty() && !platform_matches(options_.platform, descriptor.platform))
        continue;
      if (!store_.exists(blob)) {
        problems.push_back(what + ": blob " + blob + " is missing from the image");
        continue;
      }
      auto manifest_text = store_.read_all(blob);
      if (!manifest_text) {
        problems.push_back(what + ": " + manifest_text.error().message);
        continue;
      }
      if (options_.verify_digests && !verify_text(manifest_text.value(), descriptor.digest)) {
        problems.push_back(what + ": digest mismatch: the blob's content has another digest");
        continue;
      }
      if (descriptor.media_type.find("index") != std::string::npos ||
          descriptor.media_type.find("manifest.list") != std::string::npos) {
        if (auto walked =
                walk_index(manifest_text.value(), blob, descriptor.reference, depth + 1, plans);
            !walked) {
          problems.push_back(walked.error().message);
        }
        continue;
      }
      if (auto added = add_manifest(manifest_text.value(), descriptor, plans); !added) {
        problems.push_back(what + ": " + added.error().message);
      }
    }
    return {};
  }

  Result<void> add_manifest(const std::string& text, const Descriptor& descriptor,
                            std::vector<ImagePlan>& plans) {
    ImagePlan plan;
    plan.reference = descriptor.reference.empty() ? "(untagged)" : descriptor.reference;
    plan.manifest_digest = descriptor.digest;
    std::vector<std::string> layer_digests;
    {
      simdjson::dom::parser parser;
      simdjson::dom::element document;
      if (auto error = parser.parse(text).get(document)) {
        return make_error(std::string("invalid manifest JSON: ") + simdjson::error_message(error));
      }
      simdjson::dom::element config;
      if (!document["config"].get(config)) plan.config_digest = string_at(config, "digest");
      simdjson::dom::array layers;
      if (!document["layers"].get(layers)) {
        for (simdjson::dom::element layer : layers)
          layer_digests.emplace_back(string_at(layer, "digest"));
      }
    }
    ConfigFacts facts;
    plan.config_blob = blob_name(plan.config_digest);
    if (plan.config_blob.empty() || !store_.exists(plan.config_blob)) {
      problems.push_back(plan.reference + ": configuration " + plan.config_digest +
                         " is missing from the image");
    } else if (auto config = store_.read_all(plan.config_blob); !config) {
      problems.push_back(plan.reference + ": " + config.error().message);
    } else {
      plan.config_text = std::move(config).value();
      if (options_.verify_digests && !verify_text(plan.config_text, plan.config_digest)) {
        problems.push_back(plan.reference + ": configuration " + plan.config_digest +
                           ": digest mismatch: the blob's content has another digest");
      }
      auto parsed = parse_config(plan.config_text, plan.config_blob);
      if (parsed)
        facts = std::move(parsed).value();
      else
        problems.push_back(plan.reference + ": " + parsed.error().message);
    }
    plan.platform = descriptor.platform.empty() ? facts.platform : descriptor.platform;
    if (!platform_matches(options_.platform, plan.platform)) return {};
    for (std::size_t index = 0; index < layer_digests.size(); ++index) {
      LayerPlan layer;
      layer.digest = layer_digests[index];
      layer.blob = blob_name(layer.digest);
      if (index < facts.created_by_per_layer.size())
        layer.created_by = facts.created_by_per_layer[index];
      plan.layers.push_back(std::move(layer));
    }
    plans.push_back(std::move(plan));
    return {};
  }

  ImageStore& store_;
  const ImageOptions& options_;
};

// ---------------------------------------------------------------------------------------------
// Where content was seen, and what each layer does to the layers below it.

// A place content was seen: an image's config section (layer -1) or a file of a layer.
struct Location {
  std::uint64_t sequence = 0;  // image order: (step << 32) | position within the step
  std::uint32_t image = 0;
  std::int32_t layer = -1;
  std::string path;      // inside the layer ("a/b.jar!/c.properties"), or "config:Env"
  bool chunked = false;  // read in chunks: scanned at every place (see Contents::chunked)
};

constexpr std::uint64_t sequence_of(std::size_t step, std::uint64_t position) {
  return (static_cast<std::uint64_t>(step) << 32) | position;
}

// What one layer does to the layers below it, for the removed/overwritten status. Written only
// by the reader of that layer; read once every layer is read.
struct LayerEffects {
  std::unordered_set<std::string> whiteouts;  // paths deleted (files or whole directories)
  std::unordered_set<std::string> opaque;     // directories whose lower content is hidden
  std::unordered_set<std::string> entries;    // every non-directory path the layer holds
};

// Content hashes seen and where, shared by the layer readers and the scanning threads.
struct Contents {
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<Location>> locations;  // by hex SHA-256
  // A file larger than a chunk is scanned before its hash is known: its findings carry
  // "chunked:SEQUENCE" until finalize() looks the hash up here (set when the file is read).
  std::unordered_map<std::uint64_t, std::string> chunked;
};

constexpr std::string_view kChunkedPrefix = "chunked:";

// A whole file or configuration section: scanned unless identical content was scanned already.
class ContentItem : public WorkItem {
 public:
  ContentItem(Buffer bytes, Location location, std::string input, Contents& contents,
              bool scan_binary)
      : bytes_(std::move(bytes)),
        location_(std::move(location)),
        location_path_(location_.path),
        input_(std::move(input)),
        contents_(contents),
        scan_binary_(scan_binary) {}

  LoadResult load() override {
    const std::string_view view = bytes_.view();
    if (!scan_binary_ && looks_binary(view)) return LoadResult::skipped(input_, SkipKind::binary);
    std::string hex = to_hex(sha256(view));
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(contents_.mutex);
      auto& seen = contents_.locations[hex];
      first = seen.empty();
      seen.push_back(std::move(location_));
    }
    LoadResult result;
    result.input = input_;
    result.blob.provenance.source = "image";
    result.blob.provenance.path = location_path_;
    result.blob.provenance.fields.emplace_back("content", "sha256:" + hex);
    if (first) result.blob.bytes = std::move(bytes_);  // else: scanned once already
    return result;
  }

 private:
  Buffer bytes_;
  Location location_;
  std::string location_path_;
  std::string input_;
  Contents& contents_;
  bool scan_binary_;
};

// What a layer reader hands out next.
struct Produced {
  std::unique_ptr<WorkItem> item;  // nullptr: nothing (from LayerReader::next: the layer is done)
  std::uint64_t bytes = 0;         // held in memory, for the readers' queue budget
  bool problem = false;            // a failure or a skip: reported in image order
  bool more_chunks = false;        // a chunk whose file's next chunk must follow it directly
};

Produced problem(std::unique_ptr<WorkItem> item) {
  Produced produced;
  produced.item = std::move(item);
  produced.problem = true;
  return produced;
}

// What every layer reader shares: read-only during the scan, but for `contents` (locked).
struct ReaderContext {
  const ImageOptions& options;
  ImageStore& store;
  const std::vector<ImagePlan>& images;
  Contents& contents;
};

std::string layer_name(const std::vector<ImagePlan>& images, std::uint32_t image,
                       std::int32_t layer) {
  const ImagePlan& plan = images[image];
  const LayerPlan& layer_plan = plan.layers[static_cast<std::size_t>(layer)];
  return plan.reference + " layer " + std::to_string(layer + 1) + " (" +
         (layer_plan.digest.empty() ? layer_plan.blob : short_digest(layer_plan.digest)) + ")";
}

std::string archive_error(archive* handle) {
  const char* text = archive_error_string(handle);
  return text ? text : "unknown error";
}

// Reads up to `size` bytes of the current entry (fewer only at its end); -1 on an error.
std::int64_t read_entry_data(archive* handle, char* out, std::uint64_t size) {
  std::uint64_t got = 0;
  while (got < size) {
    la_ssize_t read = archive_read_data(handle, out + got, size - got);
    if (read < 0) return -1;
    if (read == 0) break;
    got += static_cast<std::uint64_t>(read);
  }
  return static_cast<std::int64_t>(got);
}

// One layer, streamed through libarchive: its entries in tar order as work items (files, the
// archives nested in them, chunks of large files) and problems. Owns everything it reads, so
// several readers may run at once on different layers (ImageSource::Impl runs them on threads).
class LayerReader {
 public:
  LayerReader(const ReaderContext& context, std::uint32_t image, std::int32_t layer,
              std::size_t step, LayerEffects& effects)
      : context_(context),
        options_(context.options),
        image_(image),
        layer_(layer),
        step_(step),
        effects_(effects),
        name_(layer_name(context.images, image, layer)),
        chunk_size_(std::max<std::uint64_t>(1, options_.chunk_size)) {}

  // The next item of the layer; an empty Produced when the layer is finished.
  Produced next() {
    while (true) {
      if (large_) return next_chunk();  // its chunks first, then what ended it (pending_)
      if (!pending_.empty()) {
        Produced produced = std::move(pending_.front());
        pending_.pop_front();
        return produced;
      }
      if (!opened_) {
        opened_ = true;
        open_layer();
        continue;
      }
      if (archives_.empty()) return {};
      if (Produced entry = next_entry(); entry.item) return entry;
    }
  }

 private:
  // One open archive: the layer (streamed from the store) or an archive inside it (in memory).
  struct OpenArchive {
    ArchivePtr handle;
    std::unique_ptr<CheckedStream> stream;  // the layer only
    std::shared_ptr<Buffer> bytes;          // nested archives only
    std::string prefix;                     // "app/lib.jar!/" for nested archives
    unsigned depth = 0;
  };

  // A file larger than a chunk, being read: the bytes already read past the last emitted chunk's
  // kept part (the next chunk's overlap), and the running hash of the whole file.
  struct LargeFile {
    std::string display;
    bool nested = false;
    std::uint64_t limit = 0;     // bytes it may have (--max-file-size, bomb allowance)
    std::uint64_t declared = 0;  // size from the header; 0: unknown
    std::uint64_t read_end = 0;  // bytes read from the entry
    bool at_end = false;         // nothing more to read from the entry
    std::uint64_t next_index = 0;
    std::string tail;  // bytes [next chunk's data begin, read_end)
    Sha256 hasher;
    Location location;
  };

  std::uint64_t next_sequence() { return sequence_of(step_, position_++); }

  std::string entry_name(const std::string& path) const { return name_ + ": " + path; }

  void fail(std::string input, std::string reason) {
    pending_.push_back(problem(failed_item(std::move(input), std::move(reason))));
  }

  void open_layer() {
    const LayerPlan& plan = context_.images[image_].layers[static_cast<std::size_t>(layer_)];
    if (plan.blob.empty() || !context_.store.exists(plan.blob)) {
      fail(name_, "blob " + (plan.blob.empty() ? plan.digest : plan.blob) +
                      " is missing from the image; the layer is not scanned");
      return;
    }
    auto stream = context_.store.open(plan.blob);
    if (!stream) {
      fail(name_, stream.error().message);
      return;
    }
    OpenArchive open;
    open.stream = std::make_unique<CheckedStream>(std::move(stream).value(),
                                                  options_.verify_digests && !plan.digest.empty());
    open.handle = new_tar_reader();
    if (archive_read_open(open.handle.get(), open.stream.get(), nullptr, read_checked_stream,
                          nullptr) != ARCHIVE_OK) {
      fail(name_,
           "cannot read the layer (truncated or corrupt, or not a plain, gzip or zstd tar): " +
               archive_error(open.handle.get()));
      return;
    }
    archives_.push_back(std::move(open));
  }

  void close_top(bool completed) {
    OpenArchive& top = archives_.back();
    if (top.stream && completed && options_.verify_digests) {
      const LayerPlan& plan = context_.images[image_].layers[static_cast<std::size_t>(layer_)];
      auto digest = top.stream->finish_digest();
      if (!digest) {
        fail(name_, digest.error().message);
      } else if (!plan.digest.empty() && digest.value() != plan.digest) {
        fail(name_,
             "digest mismatch: the layer's content is " + digest.value() + ", not " + plan.digest);
      }
    }
    archives_.pop_back();
  }

  // Drops every nested archive above (and including) the outermost one of the top.
  void abandon_nested() {
    while (!archives_.empty() && !archives_.back().stream)
      archives_.pop_back();
  }

  Produced next_entry() {
    OpenArchive& top = archives_.back();
    archive* handle = top.handle.get();
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(handle, &entry);
    if (status == ARCHIVE_EOF) {
      close_top(true);
      return {};
    }
    const std::string where =
        top.stream ? name_ : entry_name(top.prefix.substr(0, top.prefix.size() - 2));
    if (status == ARCHIVE_RETRY) {
      // A damaged header (bad checksum): libarchive goes on block by block to the next header
      // it can read, and what lies between (the entry's data) is lost. Said once per stretch.
      if (resyncing_) return {};
      resyncing_ = true;
      return problem(failed_item(where, "damaged entry header after '" + last_path_ +
                                            "': " + archive_error(handle) +
                                            "; skipped to the next readable entry"));
    }
    resyncing_ = false;
    if (status < ARCHIVE_WARN) {
      auto item = failed_item(where, "truncated or corrupt archive: " + archive_error(handle) +
                                         "; the rest of it is not scanned");
      close_top(false);
      return problem(std::move(item));
    }
    const char* raw_name = archive_entry_pathname(entry);
    bool escapes = false;
    std::string path = normalize_path(raw_name ? raw_name : "", escapes);
    if (path.empty() && !escapes) return {};  // the root directory
    const std::string display = top.prefix + path;
    last_path_ = display;
    if (escapes) {
      return problem(
          failed_item(entry_name(top.prefix + (raw_name ? raw_name : "")),
                      "unsafe name: it climbs out of the image root with '..'; not scanned"));
    }
    const std::string name = path.substr(path.rfind('/') + 1);
    const bool in_layer = top.stream != nullptr;
    if (in_layer && name.starts_with(".wh.")) {
      const std::string dir = parent_of(path);
      if (name == ".wh..wh..opq")
        effects_.opaque.insert(dir);
      else
        effects_.whiteouts.insert((dir.empty() ? "" : dir + "/") + name.substr(4));
      return {};
    }
    if (const char* target = archive_entry_hardlink(entry)) {
      if (in_layer) effects_.entries.insert(path);
      bool target_escapes = false;
      normalize_path(target, target_escapes);
      if (target_escapes)
        return problem(failed_item(entry_name(display),
                                   "hard link to a target outside the image root; not followed"));
      return problem(skipped_item(entry_name(display), SkipKind::special,
                                  std::string("hard link to ") + target));
    }
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) return {};
    if (in_layer) effects_.entries.insert(path);
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (target && !link_stays_inside(path, target))
        return problem(failed_item(
            entry_name(display), "symbolic link to a target outside the image root; not followed"));
      return problem(skipped_item(entry_name(display), SkipKind::symlink));
    }
    if (type == AE_IFCHR || type == AE_IFBLK)
      return problem(failed_item(entry_name(display), "device file in the image; not opened"));
    if (type != AE_IFREG) return problem(skipped_item(entry_name(display), SkipKind::special));
    return read_file(entry, path, display);
  }

  Produced too_large(const std::string& display, std::string reason) {
    return problem(skipped_item(entry_name(display), SkipKind::too_large, std::move(reason)));
  }

  std::string over_max_reason() const {
    return "skipped: more than --max-file-size (" + std::to_string(options_.max_file_size) +
           " bytes)";
  }

  // Over the limit while reading: an archive inside the layer hit the bomb guard (the rest of it
  // is abandoned), or a file of unknown size is over --max-file-size.
  Produced over_limit(const std::string& display, bool nested) {
    if (nested) {
      auto item = failed_item(entry_name(display), bomb_reason());
      abandon_nested();
      return problem(std::move(item));
    }
    return too_large(display, over_max_reason());
  }

  Produced corrupt_data(const std::string& display) {
    return problem(
        failed_item(entry_name(display),
                    "truncated or corrupt data: " + archive_error(archives_.back().handle.get())));
  }

  Produced read_file(archive_entry* entry, const std::string& path, const std::string& display) {
    OpenArchive& top = archives_.back();
    archive* handle = top.handle.get();
    const bool nested = !top.stream;
    const bool size_known = archive_entry_size_is_set(entry) != 0;
    const auto declared =
        static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
    if (size_known && declared == 0) return {};
    if (size_known && declared > options_.max_file_size) {
      return too_large(display, "skipped: " + std::to_string(declared) +
                                    " bytes is more than --max-file-size (" +
                                    std::to_string(options_.max_file_size) + " bytes)");
    }
    // Nested content counts against the outermost archive's bomb allowance.
    std::uint64_t limit = options_.max_file_size;
    if (nested) limit = std::min(limit, bomb_allowance_left());
    const bool archive_inside =
        top.depth < options_.max_archive_depth && is_nested_archive_name(path);
    // An archive is opened from memory, so it is read whole; any other file is read whole when
    // it fits in a chunk, else as its first chunk (and the rest in next_chunk()).
    std::uint64_t want = std::numeric_limits<std::uint64_t>::max();
    if (size_known) want = declared;
    if (!archive_inside) want = std::min(want, chunk_size_ + options_.chunk_overlap);
    want = std::min(want, limit + 1);  // one byte over the limit shows the file is over it
    Buffer bytes;
    std::uint64_t got = 0;
    if (size_known) {
      // Read straight into the scan buffer: the tar header says how much follows.
      bytes = Buffer(want);
      const std::int64_t read = read_entry_data(handle, bytes.data(), want);
      if (read < 0) return corrupt_data(display);
      got = static_cast<std::uint64_t>(read);
      bytes.shrink(got);
    } else {
      std::string grown;
      char block[1 << 16];
      while (grown.size() < want) {
        const std::int64_t read = read_entry_data(
            handle, block, std::min<std::uint64_t>(sizeof block, want - grown.size()));
        if (read < 0) return corrupt_data(display);
        if (read == 0) break;
        grown.append(block, static_cast<std::size_t>(read));
      }
      got = grown.size();
      bytes = Buffer(got);
      std::memcpy(bytes.data(), grown.data(), got);
    }
    if (nested) nested_expanded_ += got;
    if (got > limit) return over_limit(display, nested);
    if (archive_inside) {
      if (open_nested(bytes, display)) return {};
      // Named like an archive but not one (or a damaged one): text is scanned as a file, so a
      // name cannot hide content; anything else is an error.
      if (got > chunk_size_ || looks_binary(bytes.view()))
        return problem(failed_item(entry_name(display), "not a readable archive; not scanned"));
    }
    if (got <= chunk_size_) {
      Location location{next_sequence(), image_, layer_, display};
      Produced produced;
      produced.bytes = got;
      produced.item =
          std::make_unique<ContentItem>(std::move(bytes), std::move(location), entry_name(display),
                                        context_.contents, options_.scan_binary);
      return produced;
    }
    // Larger than a chunk: binary or not is decided once, from the first block.
    if (!options_.scan_binary && looks_binary(bytes.view()))
      return problem(skipped_item(entry_name(display), SkipKind::binary));
    large_ = std::make_unique<LargeFile>();
    large_->display = display;
    large_->nested = nested;
    large_->limit = limit;
    large_->declared = size_known ? declared : 0;
    large_->read_end = got;
    large_->at_end = got < want || (size_known && got >= declared);
    large_->hasher.update(bytes.view());
    large_->location = Location{next_sequence(), image_, layer_, display, true};
    return emit_chunk(std::move(bytes), 0);
  }

  // Hands out the chunk of the large file whose data (from `data_begin`) is `data`.
  Produced emit_chunk(Buffer data, std::uint64_t data_begin) {
    LargeFile& file = *large_;
    const std::uint64_t index = file.next_index++;
    const std::uint64_t keep_begin = index * chunk_size_;
    const std::uint64_t keep_end = std::min(file.read_end, keep_begin + chunk_size_);
    const bool last = file.at_end && file.read_end <= keep_begin + chunk_size_;
    LoadResult result;
    result.input = entry_name(file.display);
    result.blob.provenance.source = "image";
    result.blob.provenance.path = file.display;
    result.blob.provenance.fields.emplace_back(
        "content", std::string(kChunkedPrefix) + std::to_string(file.location.sequence));
    result.blob.base_offset = data_begin;
    result.blob.chunk.index = index;
    result.blob.chunk.last = last;
    result.blob.chunk.keep_begin = keep_begin - data_begin;
    result.blob.chunk.keep_end = keep_end - data_begin;
    if (!last) {
      // The next chunk starts `chunk_overlap` before its kept part: keep those bytes (and any
      // read past it) for it.
      const std::uint64_t next_keep = keep_begin + chunk_size_;
      const std::uint64_t next_begin =
          next_keep > options_.chunk_overlap ? next_keep - options_.chunk_overlap : 0;
      const std::string_view view = data.view();
      file.tail.assign(view.substr(static_cast<std::size_t>(next_begin - data_begin)));
    }
    Produced produced;
    produced.bytes = data.size();
    produced.more_chunks = !last;
    result.blob.bytes = std::move(data);
    produced.item = std::make_unique<ResolvedItem>(std::move(result));
    if (last) finish_large();
    return produced;
  }

  // The next chunk of the large file being read. A read error or the limit ends the file with
  // what was read so far as its last chunk, then the problem: its chunks always end with a last
  // one, which the pipeline's line counting relies on.
  Produced next_chunk() {
    LargeFile& file = *large_;
    const std::uint64_t keep_begin = file.next_index * chunk_size_;
    const std::uint64_t data_begin =
        keep_begin > options_.chunk_overlap ? keep_begin - options_.chunk_overlap : 0;
    std::uint64_t data_end = keep_begin + chunk_size_ + options_.chunk_overlap;
    if (file.at_end) data_end = file.read_end;
    Buffer data(static_cast<std::size_t>(data_end - data_begin));
    std::memcpy(data.data(), file.tail.data(), file.tail.size());
    std::uint64_t filled = file.tail.size();
    std::optional<Produced> stop;
    if (!file.at_end) {
      const std::uint64_t want =
          std::min(data_end, file.limit + 1) - std::min(file.read_end, file.limit + 1);
      OpenArchive& top = archives_.back();
      const std::int64_t read = read_entry_data(top.handle.get(), data.data() + filled, want);
      if (read < 0) {
        stop = corrupt_data(file.display);
        file.at_end = true;
      } else {
        const auto got = static_cast<std::uint64_t>(read);
        file.hasher.update(data.data() + filled, got);
        if (file.nested) nested_expanded_ += got;
        filled += got;
        file.read_end += got;
        file.at_end = got < want || (file.declared > 0 && file.read_end >= file.declared);
        if (file.read_end > file.limit) {
          stop = over_limit(file.display, file.nested);
          file.at_end = true;
        }
      }
    }
    data.shrink(static_cast<std::size_t>(filled));
    if (stop && file.read_end > file.limit) {
      // Scan what the limit allows, not the byte that showed the file is over it.
      data.shrink(static_cast<std::size_t>(file.limit - data_begin));
      file.read_end = file.limit;
    }
    Produced chunk = emit_chunk(std::move(data), data_begin);
    if (stop) pending_.push_back(std::move(*stop));
    return chunk;
  }

  // The whole file is read: tie its chunks' findings to its content hash and place.
  void finish_large() {
    std::string hex = to_hex(large_->hasher.finish());
    {
      std::lock_guard<std::mutex> lock(context_.contents.mutex);
      context_.contents.chunked[large_->location.sequence] = hex;
      context_.contents.locations[hex].push_back(std::move(large_->location));
    }
    large_.reset();
  }

  std::uint64_t bomb_allowance_left() const {
    const std::uint64_t by_ratio =
        std::max(kMinBombAllowance, nested_root_size_ * options_.max_expansion_ratio);
    const std::uint64_t allowance = std::min(options_.max_nested_bytes, by_ratio);
    return allowance > nested_expanded_ ? allowance - nested_expanded_ : 0;
  }

  std::string bomb_reason() const {
    const std::uint64_t by_ratio =
        std::max(kMinBombAllowance, nested_root_size_ * options_.max_expansion_ratio);
    if (by_ratio <= options_.max_nested_bytes) {
      return "decompression bomb guard: the archive expands more than " +
             std::to_string(options_.max_expansion_ratio) + ":1 (its " +
             std::to_string(nested_root_size_) + " bytes gave more than " +
             std::to_string(by_ratio) + " bytes); the rest of it is not scanned";
    }
    return "decompression bomb guard: the archive expands to more than " +
           std::to_string(options_.max_nested_bytes) +
           " bytes in all; the rest of it is not scanned";
  }

  // Opens `bytes` as an archive inside the top one; leaves them to the caller when they are not.
  bool open_nested(Buffer& bytes, const std::string& display) {
    OpenArchive& top = archives_.back();
    OpenArchive nested;
    nested.bytes = std::make_shared<Buffer>(std::move(bytes));
    nested.prefix = display + "!/";
    nested.depth = top.depth + 1;
    nested.handle.reset(archive_read_new());
    archive_read_support_filter_all(nested.handle.get());
    archive_read_support_format_tar(nested.handle.get());
    archive_read_support_format_zip(nested.handle.get());
    if (archive_read_open_memory(nested.handle.get(), nested.bytes->view().data(),
                                 nested.bytes->size()) != ARCHIVE_OK) {
      nested.handle.reset();
      bytes = std::move(*nested.bytes);
      return false;
    }
    if (top.stream) {
      nested_root_size_ = nested.bytes->size();
      nested_expanded_ = 0;
    }
    archives_.push_back(std::move(nested));
    return true;
  }

  const ReaderContext& context_;
  const ImageOptions& options_;
  std::uint32_t image_;
  std::int32_t layer_;
  std::size_t step_;
  LayerEffects& effects_;
  std::string name_;  // "IMAGE layer N (DIGEST)", for messages
  std::uint64_t chunk_size_;
  bool opened_ = false;
  std::uint64_t position_ = 0;         // of the next location within the layer
  std::vector<OpenArchive> archives_;  // the layer, then archives nested in it
  std::unique_ptr<LargeFile> large_;   // a file being handed out in chunks
  std::deque<Produced> pending_;
  std::uint64_t nested_root_size_ = 0;
  std::uint64_t nested_expanded_ = 0;
  std::string last_path_ = "(start)";  // the last entry read, to place a damaged header
  bool resyncing_ = false;             // past a damaged header, not yet at a good one
};

}  // namespace

// ---------------------------------------------------------------------------------------------

// Plans the images, hands out the configurations, then the layers. With one reader the layers
// are read in turn by next() itself; with more, reader threads each own one layer at a time and
// fill a bounded queue per layer, and next() hands out content from whichever layer has some.
// Problems (failed and skipped items) are handed out in image order (a layer's only once every
// earlier layer is done), and the chunks of one file one after the other.
class ImageSource::Impl {
 public:
  Impl(ImageOptions options, std::unique_ptr<ImageStore> store)
      : options_(std::move(options)),
        store_(std::move(store)),
        context_{options_, *store_, images_, contents_} {}

  ~Impl() { stop_readers(); }

  Result<void> plan() {
    Planner planner(*store_, options_);
    auto plans = planner.plan();
    if (!plans) return plans.error();
    images_ = std::move(plans).value();
    for (std::string& problem : store_->problems)
      queued_.push_back(failed_item(options_.path, problem));
    for (std::string& problem : planner.problems)
      queued_.push_back(failed_item(options_.path, problem));
    if (images_.empty() && !options_.platform.empty()) {
      queued_.push_back(failed_item(options_.path, "no image for platform " + options_.platform));
    }
    std::size_t step = 0;
    for (std::uint32_t image = 0; image < images_.size(); ++image) {
      const ImagePlan& plan = images_[image];
      notes_.push_back("image " + plan.reference +
                       (plan.platform.empty() ? "" : " (" + plan.platform + ")") + ": " +
                       std::to_string(plan.layers.size()) + " layer(s)");
      config_steps_.emplace_back(image, step++);
      for (std::size_t layer = 0; layer < plan.layers.size(); ++layer) {
        const std::string& blob = plan.layers[layer].blob;
        layer_users_[blob].emplace_back(image, static_cast<std::int32_t>(layer));
        effects_[blob];  // created now: readers only write into their own layer's effects
        if (layer_users_[blob].size() == 1)
          layer_steps_.push_back({image, static_cast<std::int32_t>(layer), step++});
      }
    }
    return {};
  }

  std::unique_ptr<WorkItem> next() {
    if (!started_) start();
    if (!queued_.empty()) {
      auto item = std::move(queued_.front());
      queued_.pop_front();
      return item;
    }
    if (!parallel_) return next_inline();
    return next_from_readers();
  }

  void finalize(std::vector<Finding>& findings) {
    stop_readers();
    for (auto& [hex, locations] : contents_.locations) {
      std::sort(locations.begin(), locations.end(),
                [](const Location& a, const Location& b) { return a.sequence < b.sequence; });
    }
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    for (std::size_t index = 0; index < findings.size(); ++index) {
      Finding& finding = findings[index];
      std::string content;
      for (const auto& [key, value] : finding.provenance.fields) {
        if (key == "content") content = value;
      }
      std::string hex = content.substr(content.find(':') + 1);
      if (content.starts_with(kChunkedPrefix)) {
        auto chunked = contents_.chunked.find(std::stoull(hex));
        if (chunked != contents_.chunked.end()) hex = chunked->second;
      }
      auto found = contents_.locations.find(hex);
      if (found == contents_.locations.end() || found->second.empty()) {
        order.emplace_back(~0ull, index);
        continue;
      }
      // A file read in chunks is scanned at each of its places: report the first one only.
      if (content.starts_with(kChunkedPrefix) &&
          !first_scanned(found->second, std::stoull(content.substr(kChunkedPrefix.size()))))
        continue;
      content = "sha256:" + hex;
      std::vector<Location> places;
      for (const Location& location : found->second) {
        places.push_back(location);
        for (Location& shared : other_users(location))
          places.push_back(std::move(shared));
      }
      finding.provenance = provenance_of(places.front(), content);
      for (std::size_t other = 1; other < places.size() && other <= kMaxOccurrences; ++other) {
        Provenance occurrence = provenance_of(places[other], content);
        Fields fields = {{"path", occurrence.path}};
        fields.insert(fields.end(), occurrence.fields.begin(), occurrence.fields.end());
        finding.provenance.occurrences.push_back(std::move(fields));
      }
      order.emplace_back(places.front().sequence, index);
    }
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return findings[a.second].offset < findings[b.second].offset;
    });
    std::vector<Finding> sorted;
    sorted.reserve(order.size());
    for (const auto& [sequence, index] : order)
      sorted.push_back(std::move(findings[index]));
    findings = std::move(sorted);
    // A layer's created_by is echoed in its findings' provenance; the secrets in it are found
    // as those of config:history[N].created_by, and are masked wherever the text is echoed.
    mask_secrets_across(findings);
  }

  const std::vector<std::string>& notes() const { return notes_; }

 private:
  struct LayerStep {
    std::uint32_t image = 0;
    std::int32_t layer = 0;
    std::size_t step = 0;  // in image order, configurations included
  };

  // A layer's items between its reader thread and next().
  struct LayerQueue {
    std::deque<Produced> content;   // at most kQueueBytes / kQueueItems, but always one
    std::deque<Produced> problems;  // small; handed out once the layer is the first not done
    std::uint64_t bytes = 0;
    bool done = false;  // the reader has finished the layer
  };

  // Per layer queue: enough to keep a reader busy while next() serves the others, little enough
  // that readers x queues stays small. Items larger than this (a chunk) go alone.
  static constexpr std::uint64_t kQueueBytes = 8ull << 20;
  static constexpr std::size_t kQueueItems = 1024;
  static constexpr std::size_t kQueueProblems = 1024;

  // A chunked file's place is scanned only when no whole copy of it (scanned first) nor an
  // earlier chunked copy exists.
  static bool first_scanned(const std::vector<Location>& locations, std::uint64_t sequence) {
    return std::none_of(locations.begin(), locations.end(), [&](const Location& location) {
      return !location.chunked || location.sequence < sequence;
    });
  }

  // On the first next(), so the reader count can follow the pipeline's thread count.
  void start() {
    started_ = true;
    for (const auto& [image, step] : config_steps_)
      queue_config(image, step);
    unsigned readers = options_.layer_readers;
    if (readers == 0) {
      readers = static_cast<unsigned>(
          tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    }
    readers = static_cast<unsigned>(std::min<std::size_t>(readers, layer_steps_.size()));
    if (readers <= 1) return;
    parallel_ = true;
    queues_ = std::make_unique<LayerQueue[]>(layer_steps_.size());
    window_ = 2 * static_cast<std::size_t>(readers);
    for (unsigned reader = 0; reader < readers; ++reader)
      threads_.emplace_back([this] { read_layers(); });
  }

  std::unique_ptr<LayerReader> reader_for(std::size_t ordinal) {
    const LayerStep& step = layer_steps_[ordinal];
    const std::string& blob = images_[step.image].layers[static_cast<std::size_t>(step.layer)].blob;
    return std::make_unique<LayerReader>(context_, step.image, step.layer, step.step,
                                         effects_.at(blob));
  }

  std::unique_ptr<WorkItem> next_inline() {
    while (true) {
      if (inline_reader_) {
        Produced produced;
        try {
          produced = inline_reader_->next();
        } catch (const std::exception& error) {  // as the reader threads do: the layer fails
          const LayerStep& step = layer_steps_[next_layer_ - 1];
          inline_reader_.reset();
          return failed_item(layer_name(images_, step.image, step.layer),
                             std::string("cannot read the layer: ") + error.what());
        }
        if (produced.item) return std::move(produced.item);
        inline_reader_.reset();
      }
      if (next_layer_ == layer_steps_.size()) return nullptr;
      inline_reader_ = reader_for(next_layer_++);
    }
  }

  // A reader thread: claims the next layer (at most `window_` layers past the first one not
  // done) and queues its items, waiting while the layer's queue is full.
  void read_layers() {
    while (true) {
      std::size_t ordinal = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] {
          return stopping_ || next_layer_ == layer_steps_.size() ||
                 next_layer_ < first_not_done_ + window_;
        });
        if (stopping_ || next_layer_ == layer_steps_.size()) return;
        ordinal = next_layer_++;
      }
      std::unique_ptr<LayerReader> reader = reader_for(ordinal);
      LayerQueue& queue = queues_[ordinal];
      while (true) {
        Produced produced;
        bool failed = false;
        try {
          produced = reader->next();
        } catch (const std::exception& error) {
          produced = problem(failed_item(
              layer_name(images_, layer_steps_[ordinal].image, layer_steps_[ordinal].layer),
              std::string("cannot read the layer: ") + error.what()));
          failed = true;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (!produced.item) {
          queue.done = true;
          changed_.notify_all();
          break;
        }
        if (produced.problem) {
          // Problems of a later layer wait for its turn: bounded too (a layer of a million
          // links would otherwise queue a million messages).
          changed_.wait(lock, [&] { return stopping_ || queue.problems.size() < kQueueProblems; });
          if (stopping_) return;
          queue.problems.push_back(std::move(produced));
        } else {
          changed_.wait(lock, [&] {
            return stopping_ || queue.content.empty() ||
                   (queue.bytes + produced.bytes <= kQueueBytes &&
                    queue.content.size() < kQueueItems);
          });
          if (stopping_) return;
          queue.bytes += produced.bytes;
          queue.content.push_back(std::move(produced));
        }
        if (failed) queue.done = true;
        changed_.notify_all();
        if (failed) break;
      }
    }
  }

  std::unique_ptr<WorkItem> take(std::deque<Produced>& from, LayerQueue& queue,
                                 std::size_t ordinal) {
    Produced produced = std::move(from.front());
    from.pop_front();
    if (!produced.problem) queue.bytes -= produced.bytes;
    chunks_from_ = produced.more_chunks ? ordinal : kNoLayer;
    changed_.notify_all();
    return std::move(produced.item);
  }

  std::unique_ptr<WorkItem> next_from_readers() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      if (chunks_from_ != kNoLayer) {
        // The next chunk of a file must follow its previous one.
        LayerQueue& queue = queues_[chunks_from_];
        if (!queue.content.empty()) return take(queue.content, queue, chunks_from_);
        if (queue.done)
          chunks_from_ = kNoLayer;  // the reader failed mid-file
        else
          changed_.wait(lock);
        continue;
      }
      if (first_not_done_ == layer_steps_.size()) break;
      LayerQueue& first = queues_[first_not_done_];
      if (!first.problems.empty()) return take(first.problems, first, first_not_done_);
      if (!first.content.empty()) return take(first.content, first, first_not_done_);
      if (first.done) {
        ++first_not_done_;
        changed_.notify_all();
        continue;
      }
      // Meanwhile, content of any later layer.
      for (std::size_t ordinal = first_not_done_ + 1; ordinal < next_layer_; ++ordinal) {
        LayerQueue& later = queues_[ordinal];
        if (!later.content.empty()) return take(later.content, later, ordinal);
      }
      changed_.wait(lock);
    }
    lock.unlock();
    stop_readers();
    return nullptr;
  }

  void stop_readers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : threads_)
      thread.join();
    threads_.clear();
  }

  // The same location in every other image sharing the layer (read once).
  std::vector<Location> other_users(const Location& location) const {
    std::vector<Location> out;
    if (location.layer < 0) return out;
    const std::string& blob =
        images_[location.image].layers[static_cast<std::size_t>(location.layer)].blob;
    auto users = layer_users_.find(blob);
    if (users == layer_users_.end()) return out;
    for (const auto& [image, layer] : users->second) {
      if (image == location.image && layer == location.layer) continue;
      Location copy = location;
      copy.image = image;
      copy.layer = layer;
      out.push_back(std::move(copy));
    }
    return out;
  }

  std::string status_of(const Location& location) const {
    const ImagePlan& plan = images_[location.image];
    std::string path = location.path.substr(0, location.path.find("!/"));
    for (std::size_t above = static_cast<std::size_t>(location.layer) + 1;
         above < plan.layers.size(); ++above) {
      auto effects = effects_.find(plan.layers[above].blob);
      if (effects == effects_.end()) continue;
      const LayerEffects& layer = effects->second;
      const std::string where = " in layer " + std::to_string(above + 1);
      for (std::string ancestor = path; !ancestor.empty(); ancestor = parent_of(ancestor)) {
        if (layer.whiteouts.count(ancestor))
          return "removed" + where + " but still present in the image";
        if (ancestor != path && layer.opaque.count(ancestor))
          return "removed" + where + " (opaque directory) but still present in the image";
      }
      if (layer.opaque.count("")) return "removed" + where + " but still present in the image";
      if (layer.entries.count(path))
        return "overwritten" + where + " but still present in the image";
    }
    return "present in the final filesystem";
  }

  Provenance provenance_of(const Location& location, const std::string& content) const {
    const ImagePlan& plan = images_[location.image];
    Provenance provenance;
    provenance.source = "image";
    provenance.path = location.path;
    Fields& fields = provenance.fields;
    fields.emplace_back("image", plan.reference);
    if (!plan.manifest_digest.empty()) fields.emplace_back("manifest", plan.manifest_digest);
    if (!plan.platform.empty()) fields.emplace_back("platform", plan.platform);
    if (location.layer < 0) {
      if (!plan.config_digest.empty()) fields.emplace_back("config", plan.config_digest);
    } else {
      const LayerPlan& layer = plan.layers[static_cast<std::size_t>(location.layer)];
      fields.emplace_back("layer", std::to_string(location.layer + 1));
      fields.emplace_back("layer_digest", layer.digest);
      if (!layer.created_by.empty()) fields.emplace_back("created_by", layer.created_by);
      fields.emplace_back("status", status_of(location));
    }
    fields.emplace_back("content", content);
    return provenance;
  }

  void queue_content(std::string text, std::string path, std::uint32_t image, std::size_t step,
                     std::uint64_t& position) {
    if (text.empty()) return;
    Buffer bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    Location location{sequence_of(step, position++), image, -1, path};
    queued_.push_back(std::make_unique<ContentItem>(std::move(bytes), std::move(location),
                                                    images_[image].reference + " " + path,
                                                    contents_, true));
  }

  void queue_config(std::uint32_t image, std::size_t step) {
    const std::string& text = images_[image].config_text;
    if (text.empty()) return;
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    if (parser.parse(text).get(document)) return;  // reported by the planner
    std::uint64_t position = 0;
    simdjson::dom::element config;
    if (!document["config"].get(config)) {
      for (const char* key : {"Env", "Cmd", "Entrypoint"}) {
        simdjson::dom::array values;
        if (config[key].get(values)) continue;
        std::string joined;
        for (simdjson::dom::element value : values) {
          std::string_view item;
          if (!value.get(item)) joined.append(item).push_back('\n');
        }
        queue_content(std::move(joined), std::string("config:") + key, image, step, position);
      }
      simdjson::dom::object labels;
      if (!config["Labels"].get(labels)) {
        std::string joined;
        for (auto [key, value] : labels) {
          std::string_view item;
          if (!value.get(item)) joined.append(key).append("=").append(item).push_back('\n');
        }
        queue_content(std::move(joined), "config:Labels", image, step, position);
      }
    }
    simdjson::dom::array history;
    if (!document["history"].get(history)) {
      std::size_t index = 0;
      for (simdjson::dom::element step_entry : history) {
        queue_content(std::string(string_at(step_entry, "created_by")),
                      "config:history[" + std::to_string(index++) + "].created_by", image, step,
                      position);
      }
    }
  }

  static constexpr std::size_t kNoLayer = std::numeric_limits<std::size_t>::max();

  ImageOptions options_;
  std::unique_ptr<ImageStore> store_;
  std::vector<ImagePlan> images_;
  Contents contents_;
  ReaderContext context_;
  std::vector<std::string> notes_;
  std::vector<std::pair<std::uint32_t, std::size_t>> config_steps_;  // (image, step)
  std::vector<LayerStep> layer_steps_;  // each layer blob once, in image order
  std::map<std::string, std::vector<std::pair<std::uint32_t, std::int32_t>>> layer_users_;
  std::unordered_map<std::string, LayerEffects> effects_;  // by layer blob
  std::deque<std::unique_ptr<WorkItem>> queued_;  // problems found while planning, then configs
  bool started_ = false;
  bool parallel_ = false;
  std::unique_ptr<LayerReader> inline_reader_;  // one reader: the layer being read

  // Reader threads and their queues; everything below is guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> threads_;
  std::unique_ptr<LayerQueue[]> queues_;  // by layer ordinal (index in layer_steps_)
  std::size_t next_layer_ = 0;            // the next layer to claim (or to read inline)
  std::size_t first_not_done_ = 0;        // whose problems next() hands out
  std::size_t window_ = 0;
  std::size_t chunks_from_ = kNoLayer;  // the layer whose next chunk must come next
  bool stopping_ = false;
};

Result<std::unique_ptr<ImageSource>> ImageSource::open(const ImageOptions& options) {
  struct stat info {};
  if (::stat(options.path.c_str(), &info) != 0) {
    return make_error(options.path + ": cannot open: " + errno_text(errno));
  }
  std::unique_ptr<ImageStore> store;
  if (S_ISDIR(info.st_mode)) {
    store = std::make_unique<DirectoryStore>(options.path);
  } else {
    auto tar = std::make_unique<TarStore>(options.path);
    if (auto indexed = tar->index(); !indexed) return indexed.error();
    store = std::move(tar);
  }
  auto impl = std::make_unique<Impl>(options, std::move(store));
  if (auto planned = impl->plan(); !planned) return planned.error();
  return std::unique_ptr<ImageSource>(new ImageSource(std::move(impl)));
}

ImageSource::ImageSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImageSource::~ImageSource() = default;

std::unique_ptr<WorkItem> ImageSource::next() {
  return impl_->next();
}

void ImageSource::finalize(std::vector<Finding>& findings) {
  impl_->finalize(findings);
}

const std::vector<std::string>& ImageSource::notes() const {
  return impl_->notes();
}

}  // namespace leakhound
