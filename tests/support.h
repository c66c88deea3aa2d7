// Shared test helpers: temporary trees, running the real binary, and fake secrets that are
// generated at run time, so no test source file contains a secret-shaped string.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace leakhound {
class RuleDatabase;
}

namespace leakhound::test {

// The built-in rule pack, compiled once per test process through the on-disk database cache
// (XDG_CACHE_HOME, which ctest points at a directory shared by every test and preset), so each
// test process does not recompile the whole pack: under ASan that takes minutes.
const RuleDatabase& builtin_database();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `relative` (creating folders) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Every report format of the batch commands.
inline const std::vector<std::string> kReportFormats = {"text", "json", "jsonl", "sarif", "gitlab"};

// Writes rules/backtrack.toml (a custom rule whose regex backtracks exponentially before a
// non-match: stage 1 hits at the "b"; PCRE2, starting at the run of a's, gives up before reaching
// it), input.txt and input.jsonl, each holding such a candidate.
void write_backtracking_rule(const TempDir& tree);

// Runs the leakhound binary with `arguments` (each shell-quoted) in `working_directory`.
CommandResult run_leakhound(const std::vector<std::string>& arguments,
                            const std::filesystem::path& working_directory = {});
// Runs a shell command line as it is.
CommandResult run_shell(const std::string& command_line);
std::string shell_quote(const std::string& text);

// RFC 4648 base64 (with padding), or base64url with `url`: encoded test secrets.
std::string base64(std::string_view bytes, bool url = false);

// Fake credentials of the shapes the built-in rules detect, random from a seeded generator.
class FakeSecrets {
 public:
  explicit FakeSecrets(std::uint32_t seed = 1234) : random_(seed) {}
  std::string github_classic();  // "gh" "p_" + 36 base62
  std::string aws_access_key_id();
  std::string slack_bot();
  std::string random_string(std::size_t length, std::string_view alphabet);

 private:
  std::mt19937 random_;
};

inline constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace leakhound::test
