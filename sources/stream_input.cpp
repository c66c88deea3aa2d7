#include "sources/stream_input.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace leakhound {
namespace {

// A pipe holds 64 KiB by default: a fast writer then waits on the reader every 64 KiB, and each
// wake-up costs both sides (a tenth of `stream`'s time through a pipe). 1 MiB, the default most
// a user may ask for (/proc/sys/fs/pipe-max-size), makes them rarer. Best effort: a pipe that
// cannot grow stays as it is. Latency is unchanged: a read returns whatever the pipe holds.
void widen_pipe(int fd) {
#if defined(F_SETPIPE_SZ)
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISFIFO(info.st_mode)) (void)::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
  (void)fd;
#endif
}

}  // namespace

Result<std::unique_ptr<StreamInput>> StreamInput::open(const std::string& path, bool follow) {
  std::unique_ptr<StreamInput> input(new StreamInput());
  input->path_ = path;
  input->follow_ = follow && path != "-";
  if (path == "-") {
    input->name_ = "stdin";
    input->is_stdin_ = true;
    input->fd_ = STDIN_FILENO;
    widen_pipe(input->fd_);
    return input;
  }
  input->name_ = path;
  input->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (input->fd_ < 0) return make_error("cannot open: " + std::string(std::strerror(errno)));
  struct stat info {};
  if (::fstat(input->fd_, &info) == 0) {
    input->device_ = info.st_dev;
    input->inode_ = info.st_ino;
  }
  widen_pipe(input->fd_);  // a named pipe
  return input;
}

StreamInput::~StreamInput() {
  if (fd_ >= 0 && !is_stdin_) ::close(fd_);
}

StreamInput::Event StreamInput::check_followed_file() {
  struct stat at_path {};
  if (::stat(path_.c_str(), &at_path) != 0) return Event::pause;  // rotated away, not yet back
  if (at_path.st_dev != device_ || at_path.st_ino != inode_) {
    // Rotation. Read the old file to its end once more (the writer may have appended before it
    // moved the file), then continue with the new one.
    if (!rotation_seen_) {
      rotation_seen_ = true;
      return Event::data;  // not an event for the caller: read() tries the old file again
    }
    rotation_seen_ = false;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Event::pause;
    ::close(fd_);
    fd_ = fd;
    device_ = at_path.st_dev;
    inode_ = at_path.st_ino;
    offset_ = 0;
    return Event::reset;
  }
  if (static_cast<std::uint64_t>(at_path.st_size) < offset_) {  // truncated in place
    ::lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    return Event::reset;
  }
  return Event::pause;
}

StreamInput::Event StreamInput::read(std::span<char> buffer, std::size_t& size,
                                     const std::atomic<bool>& stop) {
  size = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    if (!follow_) {
      // Report a pause once when nothing is ready, then wait in short polls for more.
      pollfd ready{fd_, POLLIN, 0};
      const int timeout = paused_ ? static_cast<int>(kPollInterval.count()) : 0;
      const int polled = ::poll(&ready, 1, timeout);
      if (polled == 0) {
        if (paused_) continue;
        paused_ = true;
        return Event::pause;
      }
      if (polled < 0 && errno != EINTR) {
        error_ = std::string("poll failed: ") + std::strerror(errno);
        return Event::end;
      }
      if (polled < 0) continue;
    }
    const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    if (got > 0) {
      paused_ = false;
      size = static_cast<std::size_t>(got);
      offset_ += size;
      return Event::data;
    }
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error_ = std::string("read failed: ") + std::strerror(errno);
      return Event::end;
    }
    if (!follow_) return Event::end;
    // A followed file at its end: pause once, then poll the path for appends and rotation.
    if (!paused_) {
      paused_ = true;
      return Event::pause;
    }
    const Event changed = check_followed_file();
    if (changed == Event::data) continue;
    if (changed == Event::reset) {
      paused_ = false;
      return changed;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Event::end;
}

}  // namespace leakhound
