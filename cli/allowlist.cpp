#include "cli/allowlist.h"

#include <pcre2.h>

#include <algorithm>
#include <cctype>

#include "cli/go_regex.h"
#include "sources/filesystem_source.h"

namespace leakhound {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view commit_of(const Finding& finding) {
  for (const auto& [key, value] : finding.provenance.fields) {
    if (key == "commit") return value;
  }
  return {};
}

}  // namespace

Result<Regex> Regex::compile(const std::string& pattern) {
  auto translated = translate_go_regex(pattern);
  if (!translated) return translated.error();
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.value().data()),
                    translated.value().size(), 0, &error_code, &error_offset, nullptr);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof message);
    return make_error("regex rejected at offset " + std::to_string(error_offset) + ": " +
                      reinterpret_cast<const char*>(message));
  }
  Regex regex;
  regex.code_ = code;
  return regex;
}

Regex::Regex(Regex&& other) noexcept : code_(other.code_) {
  other.code_ = nullptr;
}

Regex& Regex::operator=(Regex&& other) noexcept {
  std::swap(code_, other.code_);
  return *this;
}

Regex::~Regex() {
  pcre2_code_free(static_cast<pcre2_code*>(code_));
}

bool Regex::search(std::string_view subject) const {
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                             0, data, nullptr);
  pcre2_match_data_free(data);
  return rc >= 0;
}

struct AllowlistMatcher::Compiled {
  const Allowlist* list = nullptr;
  std::vector<Regex> path_regexes;
  std::vector<Regex> regexes;
  std::vector<Regex> line_regexes;
  std::vector<std::string> stopwords;  // lowercased
};

Result<std::unique_ptr<AllowlistMatcher>> AllowlistMatcher::compile(
    const std::vector<Allowlist>& lists) {
  std::unique_ptr<AllowlistMatcher> matcher(new AllowlistMatcher());
  for (const Allowlist& list : lists) {
    auto compiled = std::make_unique<Compiled>();
    compiled->list = &list;
    for (auto [patterns, target] : {std::pair{&list.path_regexes, &compiled->path_regexes},
                                    std::pair{&list.regexes, &compiled->regexes},
                                    std::pair{&list.line_regexes, &compiled->line_regexes}}) {
      for (const std::string& pattern : *patterns) {
        auto regex = Regex::compile(pattern);
        if (!regex) return make_error(list.origin + ": allowlist: " + regex.error().message);
        target->push_back(std::move(regex).value());
      }
    }
    for (const std::string& word : list.stopwords)
      compiled->stopwords.push_back(lowercase(word));
    matcher->lists_.push_back(std::move(compiled));
  }
  return matcher;
}

AllowlistMatcher::~AllowlistMatcher() = default;

bool AllowlistMatcher::allows(const Finding& finding) const {
  const std::string_view path = finding.provenance.path;
  const std::string_view line = finding.snippet;
  for (const auto& compiled : lists_) {
    const Allowlist& list = *compiled->list;
    if (!list.rule_ids.empty() && std::find(list.rule_ids.begin(), list.rule_ids.end(),
                                            finding.rule->id) == list.rule_ids.end()) {
      continue;
    }
    // Each kind of criterion present gives one verdict; OR needs one, AND needs all of them.
    std::vector<bool> verdicts;
    if (!list.path_globs.empty() || !compiled->path_regexes.empty()) {
      bool matched =
          std::any_of(list.path_globs.begin(), list.path_globs.end(),
                      [&](const std::string& glob) { return path_matches_glob(glob, path); }) ||
          std::any_of(compiled->path_regexes.begin(), compiled->path_regexes.end(),
                      [&](const Regex& regex) { return regex.search(path); });
      verdicts.push_back(matched);
    }
    if (!compiled->regexes.empty()) {
      const std::string_view subject =
          list.target == Allowlist::Target::secret ? std::string_view(finding.secret) : line;
      verdicts.push_back(std::any_of(compiled->regexes.begin(), compiled->regexes.end(),
                                     [&](const Regex& regex) { return regex.search(subject); }));
    }
    if (!compiled->line_regexes.empty()) {
      verdicts.push_back(std::any_of(compiled->line_regexes.begin(), compiled->line_regexes.end(),
                                     [&](const Regex& regex) { return regex.search(line); }));
    }
    if (!compiled->stopwords.empty()) {
      const std::string secret = lowercase(finding.secret);
      verdicts.push_back(std::any_of(
          compiled->stopwords.begin(), compiled->stopwords.end(),
          [&](const std::string& word) { return secret.find(word) != std::string::npos; }));
    }
    if (!list.commits.empty()) {
      const std::string_view commit = commit_of(finding);
      verdicts.push_back(!commit.empty() && std::any_of(list.commits.begin(), list.commits.end(),
                                                        [&](const std::string& allowed) {
                                                          return !allowed.empty() &&
                                                                 commit.starts_with(allowed);
                                                        }));
    }
    if (verdicts.empty()) continue;
    const bool allowed =
        list.require_all ? std::all_of(verdicts.begin(), verdicts.end(), [](bool v) { return v; })
                         : std::any_of(verdicts.begin(), verdicts.end(), [](bool v) { return v; });
    if (allowed) return true;
  }
  return false;
}

}  // namespace leakhound
