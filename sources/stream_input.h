// StreamInput: reads one stream (a file, or stdin as "-") for the stream and redact commands,
// and tells its reader when the input pauses (nothing more is available right now), so callers
// can flush. With `follow` it behaves like `tail -F`: at the end of the file it waits for
// appends, and it notices rotation (a new file at the path: it finishes the old one first) and
// truncation, each of which starts a new stream at offset 0. Reads never block for longer than
// a short poll interval, so a stop request (a signal) is seen promptly.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "engine/result.h"

namespace leakhound {

class StreamInput {
 public:
  enum class Event {
    data,   // `size` bytes were read
    pause,  // nothing more is available now (a pipe is empty, or a followed file is at its end)
    reset,  // --follow: the file was rotated or truncated; what follows is a new stream
    end,    // the end of the input (without --follow), or a stop request
  };

  // "-" is stdin (named "stdin"). Errors name the path and the reason.
  static Result<std::unique_ptr<StreamInput>> open(const std::string& path, bool follow);
  ~StreamInput();
  StreamInput(const StreamInput&) = delete;
  StreamInput& operator=(const StreamInput&) = delete;

  const std::string& name() const { return name_; }
  // Waits at most about one poll interval per call. A read error ends the input with `error`.
  Event read(std::span<char> buffer, std::size_t& size, const std::atomic<bool>& stop);
  const std::string& error() const { return error_; }

  static constexpr std::chrono::milliseconds kPollInterval{10};

 private:
  StreamInput() = default;
  Event check_followed_file();

  std::string path_;
  std::string name_;
  int fd_ = -1;
  bool follow_ = false;
  bool is_stdin_ = false;
  bool paused_ = false;  // the last event was a pause: the next read may wait
  bool rotation_seen_ = false;
  std::uint64_t offset_ = 0;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  std::string error_;
};

}  // namespace leakhound
