#include "tests/support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "engine/rule_database.h"
#include "engine/rule_loader.h"

namespace leakhound::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

void write_backtracking_rule(const TempDir& tree) {
  tree.write("rules/backtrack.toml", R"([[rules]]
id = "backtracking-rule"
name = "Backtracking rule"
description = "A regex that backtracks exponentially before a non-match."
regex = '''(a+)+b'''
severity = "low"
confidence = "low"
tags = ["test"]
references = []
examples = ["xab"]
negative_examples = ["xyz"]
)");
  tree.write("input.txt", std::string(40, 'a') + " c ab\n");
  tree.write("input.jsonl", "{\"msg\": \"" + std::string(40, 'a') + " c ab\"}\n");
}

const RuleDatabase& builtin_database() {
  static const std::unique_ptr<RuleDatabase> database = [] {
    auto rules = load_builtin_rules();
    if (!rules) throw std::runtime_error(rules.error().message);
    DatabaseOptions options;
    options.cache_dir = default_cache_dir();
    auto built = RuleDatabase::build(std::move(rules).value(), options);
    if (!built) throw std::runtime_error(built.error().message);
    return std::move(built).value();
  }();
  return *database;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "leakhound-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code error;
  // Restore permissions a test may have removed, so the tree can be deleted.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_symlink()) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, error);
    }
  }
  std::filesystem::remove_all(path_, error);
}

std::filesystem::path TempDir::write(const std::string& relative,
                                     const std::string& content) const {
  std::filesystem::path file = path_ / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << content;
  return file;
}

std::string base64(std::string_view bytes, bool url) {
  const std::string_view alphabet =
      url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t take = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const auto byte = k < take ? static_cast<unsigned char>(bytes[i + k]) : 0u;
      group = group << 8 | byte;
    }
    for (std::size_t k = 0; k < 4; ++k)
      out += k <= take ? alphabet[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult run_shell(const std::string& command_line) {
  TempDir capture;
  const auto out_file = capture.path() / "out";
  const auto err_file = capture.path() / "err";
  std::string full = "(" + command_line + ") </dev/null >" + shell_quote(out_file.string()) +
                     " 2>" + shell_quote(err_file.string());
  int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out_file);
  result.err = read_file(err_file);
  return result;
}

CommandResult run_leakhound(const std::vector<std::string>& arguments,
                            const std::filesystem::path& working_directory) {
  std::string command;
  if (!working_directory.empty())
    command = "cd " + shell_quote(working_directory.string()) + " && ";
  command += shell_quote(LEAKHOUND_BINARY);
  for (const std::string& argument : arguments)
    command += " " + shell_quote(argument);
  return run_shell(command);
}

std::string FakeSecrets::random_string(std::size_t length, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < length; ++i)
    out += alphabet[pick(random_)];
  return out;
}

std::string FakeSecrets::github_classic() {
  return std::string("gh") + "p_" + random_string(36, kBase62);
}

std::string FakeSecrets::aws_access_key_id() {
  return std::string("AK") + "IA" + random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
}

std::string FakeSecrets::slack_bot() {
  return std::string("xo") + "xb-" + random_string(12, "0123456789") + "-" +
         random_string(12, "0123456789") + "-" + random_string(24, kBase62);
}

}  // namespace leakhound::test
