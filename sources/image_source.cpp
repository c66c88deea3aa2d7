#include "sources/image_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
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
// Work items.

}  // namespace

// ---------------------------------------------------------------------------------------------

class ImageSource::Impl {
 public:
  // Where content was seen: an image's config section (layer -1) or a file of a layer.
  struct Location {
    std::uint64_t sequence = 0;
    std::uint32_t image = 0;
    std::int32_t layer = -1;
    std::string path;  // inside the layer ("a/b.jar!/c.properties"), or "config:Env"
  };

  // What one layer does to the layers below it, for the removed/overwritten status.
  struct LayerEffects {
    std::unordered_set<std::string> whiteouts;  // paths deleted (files or whole directories)
    std::unordered_set<std::string> opaque;     // directories whose lower content is hidden
    std::unordered_set<std::string> entries;    // every non-directory path the layer holds
  };

  // Content hashes seen and where, shared with the scanning threads.
  struct Contents {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<Location>> locations;  // by hex SHA-256
  };

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

  // One open archive: a layer (streamed from the store) or an archive inside one (in memory).
  struct OpenArchive {
    ArchivePtr handle;
    std::unique_ptr<CheckedStream> stream;  // layers only
    std::shared_ptr<Buffer> bytes;          // nested archives only
    std::string prefix;                     // "app/lib.jar!/" for nested archives
    std::string outer_path;                 // the layer path of the outermost archive
    unsigned depth = 0;
  };

  Impl(ImageOptions options, std::unique_ptr<ImageStore> store)
      : options_(std::move(options)), store_(std::move(store)) {}

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
    for (std::uint32_t image = 0; image < images_.size(); ++image) {
      const ImagePlan& plan = images_[image];
      notes_.push_back("image " + plan.reference +
                       (plan.platform.empty() ? "" : " (" + plan.platform + ")") + ": " +
                       std::to_string(plan.layers.size()) + " layer(s)");
      steps_.push_back({image, -1});
      for (std::size_t layer = 0; layer < plan.layers.size(); ++layer) {
        const std::string& blob = plan.layers[layer].blob;
        layer_users_[blob].emplace_back(image, static_cast<std::int32_t>(layer));
        if (layer_users_[blob].size() == 1) steps_.push_back({image, static_cast<int>(layer)});
      }
    }
    return {};
  }

  std::unique_ptr<WorkItem> next() {
    while (true) {
      if (!queued_.empty()) {
        auto item = std::move(queued_.front());
        queued_.pop_front();
        return item;
      }
      if (!archives_.empty()) {
        if (auto item = next_entry()) return item;
        continue;
      }
      if (next_step_ == steps_.size()) return nullptr;
      const auto [image, layer] = steps_[next_step_++];
      current_image_ = image;
      current_layer_ = layer;
      if (layer < 0)
        queue_config(image);
      else
        open_layer(image, layer);
    }
  }

  void finalize(std::vector<Finding>& findings) {
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
      auto found = contents_.locations.find(content.substr(content.find(':') + 1));
      if (found == contents_.locations.end() || found->second.empty()) {
        order.emplace_back(~0ull, index);
        continue;
      }
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
    sorted.reserve(findings.size());
    for (const auto& [sequence, index] : order)
      sorted.push_back(std::move(findings[index]));
    findings = std::move(sorted);
  }

  const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::string layer_name(std::uint32_t image, std::int32_t layer) const {
    const ImagePlan& plan = images_[image];
    const LayerPlan& layer_plan = plan.layers[static_cast<std::size_t>(layer)];
    return plan.reference + " layer " + std::to_string(layer + 1) + " (" +
           (layer_plan.digest.empty() ? layer_plan.blob : short_digest(layer_plan.digest)) + ")";
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

  void queue_content(std::string text, std::string path) {
    if (text.empty()) return;
    Buffer bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    Location location{sequence_++, current_image_, -1, path};
    queued_.push_back(std::make_unique<ContentItem>(std::move(bytes), std::move(location),
                                                    images_[current_image_].reference + " " + path,
                                                    contents_, true));
  }

  void queue_config(std::uint32_t image) {
    const std::string& text = images_[image].config_text;
    if (text.empty()) return;
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    if (parser.parse(text).get(document)) return;  // reported by the planner
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
        queue_content(std::move(joined), std::string("config:") + key);
      }
      simdjson::dom::object labels;
      if (!config["Labels"].get(labels)) {
        std::string joined;
        for (auto [key, value] : labels) {
          std::string_view item;
          if (!value.get(item)) joined.append(key).append("=").append(item).push_back('\n');
        }
        queue_content(std::move(joined), "config:Labels");
      }
    }
    simdjson::dom::array history;
    if (!document["history"].get(history)) {
      std::size_t index = 0;
      for (simdjson::dom::element step : history) {
        queue_content(std::string(string_at(step, "created_by")),
                      "config:history[" + std::to_string(index++) + "].created_by");
      }
    }
  }

  void open_layer(std::uint32_t image, std::int32_t layer) {
    const LayerPlan& plan = images_[image].layers[static_cast<std::size_t>(layer)];
    const std::string name = layer_name(image, layer);
    if (plan.blob.empty() || !store_->exists(plan.blob)) {
      queued_.push_back(
          failed_item(name, "blob " + (plan.blob.empty() ? plan.digest : plan.blob) +
                                " is missing from the image; the layer is not scanned"));
      return;
    }
    auto stream = store_->open(plan.blob);
    if (!stream) {
      queued_.push_back(failed_item(name, stream.error().message));
      return;
    }
    OpenArchive open;
    open.stream = std::make_unique<CheckedStream>(std::move(stream).value(),
                                                  options_.verify_digests && !plan.digest.empty());
    open.handle = new_tar_reader();
    effects_[plan.blob];  // present even when empty
    if (archive_read_open(open.handle.get(), open.stream.get(), nullptr, read_checked_stream,
                          nullptr) != ARCHIVE_OK) {
      queued_.push_back(failed_item(
          name, "cannot read the layer (truncated or corrupt, or not a plain, gzip or zstd tar): " +
                    archive_error(open.handle.get())));
      return;
    }
    archives_.push_back(std::move(open));
  }

  static std::string archive_error(archive* handle) {
    const char* text = archive_error_string(handle);
    return text ? text : "unknown error";
  }

  std::string entry_name(const std::string& path) const {
    return layer_name(current_image_, current_layer_) + ": " + path;
  }

  void close_top(bool completed) {
    OpenArchive& top = archives_.back();
    if (top.stream && completed && options_.verify_digests) {
      const LayerPlan& plan =
          images_[current_image_].layers[static_cast<std::size_t>(current_layer_)];
      auto digest = top.stream->finish_digest();
      if (!digest) {
        queued_.push_back(
            failed_item(layer_name(current_image_, current_layer_), digest.error().message));
      } else if (!plan.digest.empty() && digest.value() != plan.digest) {
        queued_.push_back(failed_item(
            layer_name(current_image_, current_layer_),
            "digest mismatch: the layer's content is " + digest.value() + ", not " + plan.digest));
      }
    }
    archives_.pop_back();
  }

  // Drops every nested archive above (and including) the outermost one of the top.
  void abandon_nested() {
    while (!archives_.empty() && !archives_.back().stream)
      archives_.pop_back();
  }

  std::unique_ptr<WorkItem> next_entry() {
    OpenArchive& top = archives_.back();
    archive* handle = top.handle.get();
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(handle, &entry);
    if (status == ARCHIVE_EOF) {
      close_top(true);
      return nullptr;
    }
    const std::string where = top.stream ? layer_name(current_image_, current_layer_)
                                         : entry_name(top.prefix.substr(0, top.prefix.size() - 2));
    if (status < ARCHIVE_WARN) {
      auto item = failed_item(where, "truncated or corrupt archive: " + archive_error(handle) +
                                         "; the rest of it is not scanned");
      close_top(false);
      return item;
    }
    const char* raw_name = archive_entry_pathname(entry);
    bool escapes = false;
    std::string path = normalize_path(raw_name ? raw_name : "", escapes);
    if (path.empty() && !escapes) return nullptr;  // the root directory
    const std::string display = top.prefix + path;
    LayerEffects& effects =
        effects_[images_[current_image_].layers[static_cast<std::size_t>(current_layer_)].blob];
    if (escapes) {
      return failed_item(entry_name(top.prefix + (raw_name ? raw_name : "")),
                         "unsafe name: it climbs out of the image root with '..'; not scanned");
    }
    const std::string name = path.substr(path.rfind('/') + 1);
    const bool in_layer = top.stream != nullptr;
    if (in_layer && name.starts_with(".wh.")) {
      const std::string dir = parent_of(path);
      if (name == ".wh..wh..opq")
        effects.opaque.insert(dir);
      else
        effects.whiteouts.insert((dir.empty() ? "" : dir + "/") + name.substr(4));
      return nullptr;
    }
    if (const char* target = archive_entry_hardlink(entry)) {
      if (in_layer) effects.entries.insert(path);
      bool target_escapes = false;
      normalize_path(target, target_escapes);
      if (target_escapes)
        return failed_item(entry_name(display),
                           "hard link to a target outside the image root; not followed");
      return skipped_item(entry_name(display), SkipKind::special,
                          std::string("hard link to ") + target);
    }
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) return nullptr;
    if (in_layer) effects.entries.insert(path);
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (target && !link_stays_inside(path, target))
        return failed_item(entry_name(display),
                           "symbolic link to a target outside the image root; not followed");
      return skipped_item(entry_name(display), SkipKind::symlink);
    }
    if (type == AE_IFCHR || type == AE_IFBLK)
      return failed_item(entry_name(display), "device file in the image; not opened");
    if (type != AE_IFREG) return skipped_item(entry_name(display), SkipKind::special);
    return read_file(entry, path, display);
  }

  std::unique_ptr<WorkItem> read_file(archive_entry* entry, const std::string& path,
                                      const std::string& display) {
    OpenArchive& top = archives_.back();
    archive* handle = top.handle.get();
    const bool size_known = archive_entry_size_is_set(entry) != 0;
    const auto declared =
        static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
    if (size_known && declared == 0) return nullptr;
    if (size_known && declared > options_.max_file_size) {
      return skipped_item(entry_name(display), SkipKind::too_large,
                          "skipped: " + std::to_string(declared) +
                              " bytes is more than --max-file-size (" +
                              std::to_string(options_.max_file_size) + " bytes)");
    }
    // Nested content counts against the outermost archive's bomb allowance.
    std::uint64_t limit = options_.max_file_size;
    if (!top.stream) limit = std::min(limit, bomb_allowance_left());
    Buffer bytes;
    std::uint64_t got = 0;
    bool over_limit = false;
    if (size_known) {
      // Read straight into the scan buffer: the tar header says how much follows.
      bytes = Buffer(std::min(declared, limit));
      while (got < bytes.size()) {
        la_ssize_t read = archive_read_data(handle, bytes.data() + got, bytes.size() - got);
        if (read < 0) return corrupt_data(display);
        if (read == 0) break;
        got += static_cast<std::uint64_t>(read);
      }
      bytes.shrink(got);
      over_limit = declared > limit;
    } else {
      std::string grown;
      char block[1 << 16];
      while (true) {
        la_ssize_t read = archive_read_data(handle, block, sizeof block);
        if (read < 0) return corrupt_data(display);
        if (read == 0) break;
        grown.append(block, static_cast<std::size_t>(read));
        if (grown.size() > limit) {
          over_limit = true;
          break;
        }
      }
      got = grown.size();
      bytes = Buffer(got);
      std::memcpy(bytes.data(), grown.data(), got);
    }
    if (!top.stream) nested_expanded_ += got;
    if (over_limit) {
      if (!top.stream) {
        auto item = failed_item(entry_name(display), bomb_reason());
        abandon_nested();
        return item;
      }
      return skipped_item(entry_name(display), SkipKind::too_large,
                          "skipped: more than --max-file-size (" +
                              std::to_string(options_.max_file_size) + " bytes)");
    }
    if (top.depth < options_.max_archive_depth && is_nested_archive_name(path)) {
      if (open_nested(std::move(bytes), display)) return nullptr;
      return failed_item(entry_name(display), "not a readable archive; not scanned");
    }
    Location location{sequence_++, current_image_, current_layer_, display};
    return std::make_unique<ContentItem>(std::move(bytes), std::move(location), entry_name(display),
                                         contents_, options_.scan_binary);
  }

  std::unique_ptr<WorkItem> corrupt_data(const std::string& display) {
    return failed_item(entry_name(display), "truncated or corrupt data: " +
                                                archive_error(archives_.back().handle.get()));
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

  bool open_nested(Buffer bytes, const std::string& display) {
    OpenArchive& top = archives_.back();
    OpenArchive nested;
    nested.bytes = std::make_shared<Buffer>(std::move(bytes));
    nested.prefix = display + "!/";
    nested.depth = top.depth + 1;
    nested.outer_path = top.stream ? display : top.outer_path;
    nested.handle.reset(archive_read_new());
    archive_read_support_filter_all(nested.handle.get());
    archive_read_support_format_tar(nested.handle.get());
    archive_read_support_format_zip(nested.handle.get());
    if (archive_read_open_memory(nested.handle.get(), nested.bytes->view().data(),
                                 nested.bytes->size()) != ARCHIVE_OK) {
      return false;
    }
    if (top.stream) {
      nested_root_size_ = nested.bytes->size();
      nested_expanded_ = 0;
    }
    archives_.push_back(std::move(nested));
    return true;
  }

  ImageOptions options_;
  std::unique_ptr<ImageStore> store_;
  std::vector<ImagePlan> images_;
  std::vector<std::string> notes_;
  std::vector<std::pair<std::uint32_t, int>> steps_;  // (image, layer or -1 for the config)
  std::size_t next_step_ = 0;
  std::uint32_t current_image_ = 0;
  std::int32_t current_layer_ = -1;
  std::vector<OpenArchive> archives_;  // the layer, then archives nested in it
  std::deque<std::unique_ptr<WorkItem>> queued_;
  std::uint64_t sequence_ = 0;
  std::uint64_t nested_root_size_ = 0;
  std::uint64_t nested_expanded_ = 0;
  std::map<std::string, std::vector<std::pair<std::uint32_t, std::int32_t>>> layer_users_;
  std::unordered_map<std::string, LayerEffects> effects_;  // by layer blob
  Contents contents_;
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
