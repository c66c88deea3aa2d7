// Feeds arbitrary bytes to the image reader as a tarball (docker save or OCI layout) and loads
// every item it hands out: malformed archives, manifests and layers may fail items or the open
// itself, with a message, but must never crash, hang or leak. Small chunks and one to three layer
// readers (threads) so that chunked files and the readers' queues are exercised too.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sources/image_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = [] {
    const char* directory = std::getenv("TMPDIR");
    return std::string(directory ? directory : "/tmp") + "/leakhound-fuzz-image-" +
           std::to_string(::getpid()) + ".tar";
  }();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  leakhound::ImageOptions options;
  options.path = path;
  options.verify_digests = (size % 2) == 0;
  options.max_file_size = 1 << 20;
  options.max_nested_bytes = 8 << 20;
  options.chunk_size = 4096;
  options.chunk_overlap = 512;
  options.layer_readers = 1 + static_cast<unsigned>(size % 3);
  auto source = leakhound::ImageSource::open(options);
  if (!source) {
    if (source.error().message.empty()) __builtin_trap();
    return 0;
  }
  std::vector<leakhound::Finding> none;
  while (auto item = source.value()->next()) {
    leakhound::LoadResult result = item->load();
    if (result.status == leakhound::LoadResult::Status::failed && result.reason.empty())
      __builtin_trap();
  }
  source.value()->finalize(none);
  return 0;
}
