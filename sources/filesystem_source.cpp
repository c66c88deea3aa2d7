#include "sources/filesystem_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace leakhound {
namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

// Closes a descriptor on every path out of a load.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly `size` bytes at `offset` unless the file ends first; returns bytes read or -errno.
std::int64_t read_at(int fd, char* out, std::uint64_t size, std::uint64_t offset) {
  std::uint64_t done = 0;
  while (done < size) {
    ssize_t got = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (got == 0) break;
    done += static_cast<std::uint64_t>(got);
  }
  return static_cast<std::int64_t>(done);
}

Provenance file_provenance(const std::string& display) {
  Provenance provenance;
  provenance.source = "file";
  provenance.path = display;
  return provenance;
}

int open_for_reading(const std::string& path) {
  // O_NONBLOCK: should the file have become a FIFO since it was listed, open must not hang.
  return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

// A whole file, read with one binary probe first so large binaries are not read in full.
class FileItem : public WorkItem {
 public:
  FileItem(std::string path, std::string display, const FilesystemOptions& options)
      : path_(std::move(path)), display_(std::move(display)), options_(options) {}

  LoadResult load() override {
    FileDescriptor fd(open_for_reading(path_));
    if (fd.get() < 0) return LoadResult::failure(display_, "cannot open: " + errno_text(errno));
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
      return LoadResult::failure(display_, "cannot stat: " + errno_text(errno));
    }
    if (!S_ISREG(info.st_mode)) return LoadResult::skipped(display_, SkipKind::special);
    const auto size = static_cast<std::uint64_t>(info.st_size);
    if (size > options_.max_file_size) {
      return LoadResult::skipped(display_, SkipKind::too_large, too_large_reason(size));
    }
    LoadResult result;
    result.input = display_;
    result.blob.provenance = file_provenance(display_);
    result.blob.bytes = Buffer(size);
    const std::uint64_t probe = std::min<std::uint64_t>(size, kBinaryProbeSize);
    std::int64_t got = read_at(fd.get(), result.blob.bytes.data(), probe, 0);
    if (got < 0)
      return LoadResult::failure(display_, "cannot read: " + errno_text(static_cast<int>(-got)));
    if (!options_.scan_binary &&
        looks_binary(std::string_view(result.blob.bytes.data(), static_cast<std::size_t>(got)))) {
      return LoadResult::skipped(display_, SkipKind::binary);
    }
    if (static_cast<std::uint64_t>(got) == probe && size > probe) {
      std::int64_t rest = read_at(fd.get(), result.blob.bytes.data() + probe, size - probe, probe);
      if (rest < 0)
        return LoadResult::failure(display_, "cannot read: " + errno_text(static_cast<int>(-rest)));
      got += rest;
    }
    result.blob.bytes.shrink(static_cast<std::size_t>(got));  // the file may have shrunk
    return result;
  }

  std::string too_large_reason(std::uint64_t size) const {
    return "skipped: " + std::to_string(size) + " bytes is more than --max-file-size (" +
           std::to_string(options_.max_file_size) + " bytes)";
  }

 private:
  std::string path_;
  std::string display_;
  const FilesystemOptions& options_;
};

// One overlapping piece of a large file.
class ChunkItem : public WorkItem {
 public:
  ChunkItem(std::string path, std::string display, std::uint64_t file_size, std::uint64_t index,
            const FilesystemOptions& options)
      : path_(std::move(path)),
        display_(std::move(display)),
        file_size_(file_size),
        index_(index),
        options_(options) {}

  LoadResult load() override {
    const std::uint64_t keep_begin = index_ * options_.chunk_size;
    const std::uint64_t keep_end = std::min(file_size_, keep_begin + options_.chunk_size);
    const std::uint64_t data_begin =
        keep_begin > options_.chunk_overlap ? keep_begin - options_.chunk_overlap : 0;
    const std::uint64_t data_end = std::min(file_size_, keep_end + options_.chunk_overlap);
    FileDescriptor fd(open_for_reading(path_));
    if (fd.get() < 0) return LoadResult::failure(display_, "cannot open: " + errno_text(errno));
    LoadResult result;
    result.input = display_;
    result.blob.provenance = file_provenance(display_);
    result.blob.base_offset = data_begin;
    result.blob.chunk.index = index_;
    result.blob.chunk.last = keep_end >= file_size_;
    result.blob.chunk.keep_begin = keep_begin - data_begin;
    result.blob.chunk.keep_end = keep_end - data_begin;
    result.blob.bytes = Buffer(data_end - data_begin);
    std::int64_t got =
        read_at(fd.get(), result.blob.bytes.data(), data_end - data_begin, data_begin);
    if (got < 0)
      return LoadResult::failure(display_, "cannot read: " + errno_text(static_cast<int>(-got)));
    result.blob.bytes.shrink(static_cast<std::size_t>(got));
    return result;
  }

 private:
  std::string path_;
  std::string display_;
  std::uint64_t file_size_;
  std::uint64_t index_;
  const FilesystemOptions& options_;
};

std::string strip_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

}  // namespace

bool looks_binary(std::string_view first_block) {
  return first_block.substr(0, kBinaryProbeSize).find('\0') != std::string_view::npos;
}

bool path_matches_glob(std::string_view glob_view, std::string_view relative_path) {
  std::string glob(glob_view);
  while (glob.size() > 1 && glob.back() == '/')
    glob.pop_back();
  if (glob.starts_with("./")) glob.erase(0, 2);
  const std::string path(relative_path);
  if (::fnmatch(glob.c_str(), path.c_str(), 0) == 0) return true;
  if (glob.starts_with("**/") && ::fnmatch(glob.c_str() + 3, path.c_str(), 0) == 0) return true;
  if (glob.find('/') == std::string::npos) {
    const std::size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
  }
  return false;
}

FilesystemSource::FilesystemSource(std::vector<std::string> roots, FilesystemOptions options)
    : roots_(std::move(roots)), options_(std::move(options)) {
  for (const std::string& path : options_.never_scan) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      never_scan_.emplace(static_cast<std::uint64_t>(info.st_dev),
                          static_cast<std::uint64_t>(info.st_ino));
    }
  }
}

FilesystemSource::~FilesystemSource() {
  if (stream_) ::close(stream_->fd);
}

// A FIFO, /dev/stdin or a device named on the command line: read in order, in chunks that
// overlap like a large file's, so it scans in bounded memory whatever its length. Each chunk is
// read here, in the serial input stage, since a stream cannot be read at an offset.
std::unique_ptr<WorkItem> FilesystemSource::next_stream_chunk() {
  StreamedRoot& stream = *stream_;
  const std::uint64_t chunk_size =
      options_.chunk_size == 0 ? std::numeric_limits<std::uint32_t>::max() : options_.chunk_size;
  const std::uint64_t keep_begin = stream.index * chunk_size;
  const std::uint64_t keep_end = keep_begin + chunk_size;
  const std::uint64_t want = keep_end + options_.chunk_overlap - stream.pending_offset;
  std::string error;
  while (!stream.ended && stream.pending.size() < want) {
    const std::size_t have = stream.pending.size();
    const std::size_t step =
        static_cast<std::size_t>(std::min<std::uint64_t>(want - have, std::uint64_t{1} << 20));
    stream.pending.resize(have + step);
    const ssize_t got = ::read(stream.fd, stream.pending.data() + have, step);
    const int read_error = errno;
    if (got < 0 && read_error == EINTR) {
      stream.pending.resize(have);
      continue;
    }
    stream.pending.resize(have + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
    if (got < 0) error = "cannot read: " + errno_text(read_error);
    if (got <= 0) stream.ended = true;
  }
  const std::uint64_t total = stream.pending_offset + stream.pending.size();
  const bool last = stream.ended && total <= keep_end;
  auto finish = [&](std::unique_ptr<WorkItem> item, bool done) {
    if (done) {
      ::close(stream.fd);
      stream_.reset();
    }
    return item;
  };
  if (!error.empty()) return finish(failed_item(stream.display, error), true);
  if (stream.index == 0 && !options_.scan_binary && looks_binary(stream.pending))
    return finish(skipped_item(stream.display, SkipKind::binary), true);
  LoadResult result;
  result.input = stream.display;
  result.blob.provenance = file_provenance(stream.display);
  result.blob.base_offset = stream.pending_offset;
  if (stream.index > 0 || !last) {
    result.blob.chunk.index = stream.index;
    result.blob.chunk.last = last;
    result.blob.chunk.keep_begin = keep_begin - stream.pending_offset;
    result.blob.chunk.keep_end = std::min(keep_end, total) - stream.pending_offset;
  }
  result.blob.bytes = Buffer(stream.pending.size());
  std::copy(stream.pending.begin(), stream.pending.end(), result.blob.bytes.data());
  // The next chunk's bytes begin one overlap before its kept part.
  const std::uint64_t next_begin =
      keep_end > options_.chunk_overlap ? keep_end - options_.chunk_overlap : 0;
  if (!last && next_begin > stream.pending_offset) {
    stream.pending.erase(0, static_cast<std::size_t>(next_begin - stream.pending_offset));
    stream.pending_offset = next_begin;
  }
  ++stream.index;
  return finish(std::make_unique<ResolvedItem>(std::move(result)), last);
}

bool FilesystemSource::excluded(const std::string& relative) const {
  return std::any_of(options_.excludes.begin(), options_.excludes.end(),
                     [&](const std::string& glob) { return path_matches_glob(glob, relative); });
}

std::string FilesystemSource::display_path(const std::string& relative) const {
  if (relative.empty()) return root_display_;
  if (root_display_ == ".") return relative;
  if (root_display_ == "/") return "/" + relative;
  return root_display_ + "/" + relative;
}

std::unique_ptr<WorkItem> FilesystemSource::next() {
  while (true) {
    if (!queued_.empty()) {
      auto item = std::move(queued_.front());
      queued_.pop_front();
      return item;
    }
    if (stream_) return next_stream_chunk();
    if (stack_.empty()) {
      if (next_root_ == roots_.size()) return nullptr;
      root_display_ = strip_trailing_slashes(roots_[next_root_++]);
      if (root_display_.starts_with("./") && root_display_.size() > 2) root_display_.erase(0, 2);
      if (auto item = visit(root_display_, "", root_display_, true)) return item;
      continue;
    }
    Frame& frame = stack_.back();
    if (frame.next == frame.names.size()) {
      stack_.pop_back();
      continue;
    }
    const std::string& name = frame.names[frame.next++];
    std::string path = frame.path == "/" ? "/" + name : frame.path + "/" + name;
    std::string relative = frame.relative.empty() ? name : frame.relative + "/" + name;
    std::string display = display_path(relative);
    if (auto item = visit(path, relative, display, false)) return item;
  }
}

std::unique_ptr<WorkItem> FilesystemSource::visit(const std::string& path,
                                                  const std::string& relative,
                                                  const std::string& display, bool is_root) {
  struct stat info {};
  // Roots named on the command line are followed like any argument; walked entries are not.
  const bool follow = is_root || options_.follow_symlinks;
  if (::lstat(path.c_str(), &info) != 0) {
    return failed_item(display, "cannot stat: " + errno_text(errno));
  }
  if (S_ISLNK(info.st_mode)) {
    if (!follow) return skipped_item(display, SkipKind::symlink);
    if (::stat(path.c_str(), &info) != 0) {
      if (is_root) return failed_item(display, "cannot stat: " + errno_text(errno));
      return skipped_item(display, SkipKind::symlink, "broken symbolic link");
    }
  }
  if (!is_root && excluded(relative)) return nullptr;
  if (S_ISDIR(info.st_mode)) {
    if (!is_root && (relative == ".git" || relative.ends_with("/.git"))) return nullptr;
    auto key = std::make_pair(static_cast<std::uint64_t>(info.st_dev),
                              static_cast<std::uint64_t>(info.st_ino));
    if (!visited_directories_.insert(key).second) return nullptr;  // a symlink loop
    return enter_directory(path, relative, display);
  }
  if (S_ISREG(info.st_mode)) {
    if (never_scan_.contains(
            {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)}))
      return nullptr;
    return file_items(path, display, static_cast<std::uint64_t>(info.st_size));
  }
  if (is_root) {
    // Named by the user (`dir <(cmd)`, /dev/stdin, a FIFO): read it, whatever its type. A
    // blocking open: a FIFO's writer may come later.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return failed_item(display, "cannot open: " + errno_text(errno));
    stream_ = std::make_unique<StreamedRoot>();
    stream_->fd = fd;
    stream_->display = display;
    return next_stream_chunk();
  }
  return skipped_item(display, SkipKind::special);
}

std::unique_ptr<WorkItem> FilesystemSource::enter_directory(const std::string& path,
                                                            const std::string& relative,
                                                            const std::string& display) {
  DIR* directory = ::opendir(path.c_str());
  if (!directory) {
    return failed_item(display, "cannot open directory: " + errno_text(errno));
  }
  Frame frame{path, relative, {}, 0};
  errno = 0;
  while (dirent* entry = ::readdir(directory)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") frame.names.emplace_back(name);
    errno = 0;
  }
  const int read_error = errno;
  ::closedir(directory);
  std::sort(frame.names.begin(), frame.names.end());
  stack_.push_back(std::move(frame));
  if (read_error != 0) {
    return failed_item(display, "cannot list directory: " + errno_text(read_error));
  }
  return nullptr;
}

std::unique_ptr<WorkItem> FilesystemSource::file_items(const std::string& path,
                                                       const std::string& display,
                                                       std::uint64_t size) {
  if (size > options_.max_file_size) {
    return skipped_item(display, SkipKind::too_large,
                        "skipped: " + std::to_string(size) +
                            " bytes is more than --max-file-size (" +
                            std::to_string(options_.max_file_size) + " bytes)");
  }
  if (size <= options_.chunk_size || options_.chunk_size == 0) {
    return std::make_unique<FileItem>(path, display, options_);
  }
  // A large file: decide binary-ness once from its first block, then queue its chunks.
  FileDescriptor fd(open_for_reading(path));
  if (fd.get() < 0) return failed_item(display, "cannot open: " + errno_text(errno));
  char probe[kBinaryProbeSize];
  std::int64_t got = read_at(fd.get(), probe, sizeof probe, 0);
  if (got < 0) {
    return failed_item(display, "cannot read: " + errno_text(static_cast<int>(-got)));
  }
  if (!options_.scan_binary &&
      looks_binary(std::string_view(probe, static_cast<std::size_t>(got)))) {
    return skipped_item(display, SkipKind::binary);
  }
  const std::uint64_t chunks = (size + options_.chunk_size - 1) / options_.chunk_size;
  for (std::uint64_t index = 0; index < chunks; ++index) {
    queued_.push_back(std::make_unique<ChunkItem>(path, display, size, index, options_));
  }
  return nullptr;
}

}  // namespace leakhound
