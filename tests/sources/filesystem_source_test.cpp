#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "sources/filesystem_source.h"
#include "tests/support.h"

using namespace leakhound;

namespace {

struct Walked {
  std::vector<std::string> loaded;
  std::vector<std::string> skipped;  // "path (kind)"
  std::vector<std::string> failed;
};

Walked walk(std::vector<std::string> roots, FilesystemOptions options = {}) {
  FilesystemSource source(std::move(roots), std::move(options));
  Walked walked;
  while (auto item = source.next()) {
    LoadResult result = item->load();
    switch (result.status) {
      case LoadResult::Status::loaded:
        walked.loaded.push_back(result.input);
        break;
      case LoadResult::Status::skipped:
        walked.skipped.push_back(result.input + " (" + std::string(to_string(result.skip)) + ")");
        break;
      case LoadResult::Status::failed:
        walked.failed.push_back(result.input + ": " + result.reason);
        break;
    }
  }
  return walked;
}

}  // namespace

TEST_CASE("the walk is sorted, relative to the root, and skips .git", "[filesystem]") {
  test::TempDir tree;
  tree.write("b.txt", "b");
  tree.write("a/z.txt", "z");
  tree.write("a/y.txt", "y");
  tree.write(".git/config", "x");
  tree.write("sub/.git/HEAD", "x");
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(tree.path());
  CHECK(walk({"."}).loaded == std::vector<std::string>{"a/y.txt", "a/z.txt", "b.txt"});
  CHECK(walk({"./a/"}).loaded == std::vector<std::string>{"a/y.txt", "a/z.txt"});
  CHECK(walk({tree.path().string()}).loaded.front() == (tree.path() / "a/y.txt").string());
  CHECK(walk({"b.txt"}).loaded == std::vector<std::string>{"b.txt"});
  std::filesystem::current_path(previous);
}

TEST_CASE("exclude globs match relative paths and names", "[filesystem]") {
  CHECK(path_matches_glob("*.min.js", "web/app.min.js"));
  CHECK(path_matches_glob("vendor", "third/vendor"));
  CHECK(path_matches_glob("tests/fixtures/*", "tests/fixtures/a/b.txt"));
  CHECK(path_matches_glob("**/node_modules", "node_modules"));
  CHECK(path_matches_glob("build/", "build"));
  CHECK_FALSE(path_matches_glob("tests/fixtures/*", "src/tests/fixtures/a.txt"));
  CHECK_FALSE(path_matches_glob("*.js", "script.jsx"));

  test::TempDir tree;
  tree.write("keep.txt", "k");
  tree.write("node_modules/pkg/index.js", "x");
  tree.write("src/app.min.js", "x");
  tree.write("src/app.js", "x");
  FilesystemOptions options;
  options.excludes = {"node_modules", "*.min.js"};
  auto walked = walk({tree.path().string()}, options);
  CHECK(walked.loaded.size() == 2);
}

TEST_CASE("binary files are skipped unless asked for", "[filesystem]") {
  test::TempDir tree;
  tree.write("blob.bin", std::string("head\0tail", 9));
  auto walked = walk({tree.path().string()});
  CHECK(walked.loaded.empty());
  REQUIRE(walked.skipped.size() == 1);
  CHECK_THAT(walked.skipped[0], Catch::EndsWith("(binary)"));
  FilesystemOptions options;
  options.scan_binary = true;
  CHECK(walk({tree.path().string()}, options).loaded.size() == 1);
}

TEST_CASE("files over the size limit are skipped and say why", "[filesystem]") {
  test::TempDir tree;
  tree.write("big.txt", std::string(5000, 'x'));
  FilesystemOptions options;
  options.max_file_size = 4096;
  FilesystemSource source({tree.path().string()}, options);
  auto item = source.next();
  REQUIRE(item);
  LoadResult result = item->load();
  CHECK(result.status == LoadResult::Status::skipped);
  CHECK(result.skip == SkipKind::too_large);
  CHECK(makes_scan_partial(result.skip));
  CHECK_THAT(result.reason, Catch::Contains("5000 bytes"));
}

TEST_CASE("symlinks are skipped by default and followed without loops on request", "[filesystem]") {
  test::TempDir tree;
  tree.write("real/file.txt", "x");
  std::filesystem::create_directory_symlink(tree.path() / "real", tree.path() / "link");
  std::filesystem::create_directory_symlink(tree.path(), tree.path() / "real/loop");
  std::filesystem::create_symlink(tree.path() / "missing", tree.path() / "dangling");

  auto plain = walk({tree.path().string()});
  CHECK(plain.loaded.size() == 1);
  CHECK(plain.failed.empty());
  CHECK(plain.skipped.size() == 3);

  FilesystemOptions options;
  options.follow_symlinks = true;
  auto followed = walk({tree.path().string()}, options);
  CHECK(followed.loaded.size() == 1);  // each directory entered once
  CHECK(followed.failed.empty());
}

TEST_CASE("missing roots and special files are reported, not fatal", "[filesystem]") {
  test::TempDir tree;
  tree.write("ok.txt", "x");
  REQUIRE(::mkfifo((tree.path() / "pipe").c_str(), 0600) == 0);
  auto walked = walk({(tree.path() / "nope").string(), tree.path().string()});
  REQUIRE(walked.failed.size() == 1);
  CHECK_THAT(walked.failed[0], Catch::Contains("nope: cannot stat: No such file or directory"));
  CHECK(walked.loaded.size() == 1);
  REQUIRE(walked.skipped.size() == 1);
  CHECK_THAT(walked.skipped[0], Catch::EndsWith("(not a regular file)"));
}

TEST_CASE("large files are cut into overlapping chunks that tile the file", "[filesystem]") {
  test::TempDir tree;
  std::string content;
  for (int i = 0; content.size() < 10000; ++i)
    content += "line " + std::to_string(i) + "\n";
  tree.write("large.txt", content);
  FilesystemOptions options;
  options.chunk_size = 1024;
  options.chunk_overlap = 100;
  FilesystemSource source({(tree.path() / "large.txt").string()}, options);
  std::string reassembled;
  std::uint64_t chunks = 0;
  bool saw_last = false;
  while (auto item = source.next()) {
    LoadResult result = item->load();
    REQUIRE(result.status == LoadResult::Status::loaded);
    const Blob& blob = result.blob;
    CHECK(blob.chunk.index == chunks++);
    auto data = blob.bytes.view();
    CHECK(content.substr(blob.base_offset, data.size()) == data);
    auto keep_end = std::min<std::uint64_t>(blob.chunk.keep_end, data.size());
    reassembled += data.substr(blob.chunk.keep_begin, keep_end - blob.chunk.keep_begin);
    saw_last = blob.chunk.last;
  }
  CHECK(chunks == (content.size() + 1023) / 1024);
  CHECK(saw_last);
  CHECK(reassembled == content);
}
