#include "engine/finding.h"

#include <algorithm>

#include "engine/hashing.h"
#include "engine/inline_allow.h"
#include "engine/text.h"

namespace leakhound {
namespace {

constexpr std::size_t kSnippetContext = 80;  // bytes kept on each side of the secret

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

std::uint64_t count_code_points(std::string_view text) {
  return static_cast<std::uint64_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return !is_continuation(static_cast<unsigned char>(c));
  }));
}

// Moves a cut position forward to a code point boundary so a snippet never splits a character.
std::size_t align_forward(std::string_view text, std::size_t position) {
  while (position < text.size() && is_continuation(static_cast<unsigned char>(text[position]))) {
    ++position;
  }
  return position;
}

}  // namespace

std::string fingerprint(std::string_view rule_id, std::string_view secret) {
  Sha256 hash;
  hash.update(rule_id);
  hash.update("\0", 1);
  hash.update(secret);
  return to_hex(hash.finish());
}

std::string display_snippet(const Finding& finding, bool show_secrets) {
  if (show_secrets) return finding.snippet;
  std::string out = finding.snippet.substr(0, finding.snippet_secret_begin);
  out += kRedacted;
  if (finding.snippet_secret_end < finding.snippet.size()) {
    out += finding.snippet.substr(finding.snippet_secret_end);
  }
  return out;
}

void locate_findings(std::string_view data, const std::vector<Match>& matches,
                     const std::vector<Rule>& rules, std::uint64_t base_offset,
                     std::uint64_t line_base, const Provenance& provenance,
                     std::vector<Finding>& out) {
  // Walk forward once, counting newlines, since matches are ordered by start offset.
  std::uint64_t counted_until = 0;
  std::uint64_t newlines = 0;
  auto line_of = [&](std::uint64_t offset) {
    if (offset < counted_until) {  // secrets of different matches may interleave; recount
      counted_until = 0;
      newlines = 0;
    }
    newlines += count_newlines(data.data() + counted_until, data.data() + offset);
    counted_until = offset;
    return newlines;
  };
  for (const Match& match : matches) {
    Finding finding;
    finding.rule = &rules[match.rule];
    finding.secret =
        std::string(data.substr(match.secret_start, match.secret_end - match.secret_start));
    finding.fingerprint = fingerprint(finding.rule->id, finding.secret);
    finding.entropy = match.entropy;
    finding.confidence = match.confidence.value_or(finding.rule->confidence);
    finding.offset = base_offset + match.secret_start;
    finding.end_offset = base_offset + match.secret_end;

    const std::size_t line_start = [&] {
      std::size_t newline = data.rfind('\n', match.secret_start == 0 ? 0 : match.secret_start - 1);
      return (newline == std::string_view::npos || match.secret_start == 0) ? 0 : newline + 1;
    }();
    std::size_t line_end = data.find('\n', match.secret_start);
    if (line_end == std::string_view::npos) line_end = data.size();
    finding.line = line_base + line_of(match.secret_start) + 1;
    finding.column =
        count_code_points(data.substr(line_start, match.secret_start - line_start)) + 1;

    const std::string_view secret_view =
        data.substr(match.secret_start, match.secret_end - match.secret_start);
    const auto secret_newlines =
        static_cast<std::uint64_t>(std::count(secret_view.begin(), secret_view.end(), '\n'));
    finding.end_line = finding.line + secret_newlines;
    const std::size_t last_line_start =
        secret_newlines == 0 ? line_start : match.secret_start + secret_view.rfind('\n') + 1;
    finding.end_column =
        count_code_points(data.substr(last_line_start, match.secret_end - last_line_start)) + 1;

    // Snippet: the secret's first line, clipped to kSnippetContext bytes around the secret.
    const std::size_t secret_line_end = std::min<std::size_t>(line_end, match.secret_end);
    std::size_t cut_begin = match.secret_start - line_start > kSnippetContext
                                ? align_forward(data, match.secret_start - kSnippetContext)
                                : line_start;
    std::size_t cut_end = line_end - secret_line_end > kSnippetContext
                              ? align_forward(data, secret_line_end + kSnippetContext)
                              : line_end;
    if (cut_end > 0 && cut_end <= data.size() && data[cut_end - 1] == '\r') --cut_end;
    cut_end = std::max(cut_end, secret_line_end);
    finding.snippet = std::string(data.substr(cut_begin, cut_end - cut_begin));
    finding.snippet_secret_begin = match.secret_start - cut_begin;
    finding.snippet_secret_end = secret_line_end - cut_begin;
    finding.inline_allowed = line_allows_secret(data.substr(line_start, line_end - line_start));
    if (!finding.inline_allowed && line_start > 0) {
      const std::size_t previous_end = line_start - 1;
      const std::size_t previous_newline =
          previous_end == 0 ? std::string_view::npos : data.rfind('\n', previous_end - 1);
      const std::size_t previous_start =
          previous_newline == std::string_view::npos ? 0 : previous_newline + 1;
      finding.inline_allowed =
          line_allows_next_line(data.substr(previous_start, previous_end - previous_start));
    }
    finding.provenance = provenance;
    out.push_back(std::move(finding));
  }
}

}  // namespace leakhound
