#include "engine/finding.h"

#include <algorithm>
#include <cstring>

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

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

// Sorts `ranges` and merges those that overlap or touch.
void merge_ranges(Ranges& ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::size_t kept = 0;
  for (const auto& range : ranges) {
    if (kept > 0 && range.first <= ranges[kept - 1].second) {
      ranges[kept - 1].second = std::max(ranges[kept - 1].second, range.second);
    } else {
      ranges[kept++] = range;
    }
  }
  ranges.resize(kept);
}

std::uint64_t prefix_key(const char* bytes) {
  std::uint64_t key = 0;
  std::memcpy(&key, bytes, sizeof key);
  return key;
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
  const std::string& snippet = finding.snippet;
  Ranges ranges = finding.snippet_masks;
  ranges.emplace_back(finding.snippet_secret_begin, finding.snippet_secret_end);
  for (auto& [begin, end] : ranges) {
    begin = std::min(begin, snippet.size());
    end = std::min(std::max(begin, end), snippet.size());
  }
  merge_ranges(ranges);
  std::string out;
  std::size_t at = 0;
  for (const auto& [begin, end] : ranges) {
    out.append(snippet, at, begin - at);
    out += kRedacted;
    at = end;
  }
  out.append(snippet, at);
  return out;
}

void SecretMasker::add(std::string_view secret) {
  if (secret.size() < kMinLength) return;
  if (!known_.emplace(secret).second) return;
  const std::size_t index = secrets_.size();
  secrets_.emplace_back(secret);
  if (secret.size() >= sizeof(std::uint64_t)) {
    by_prefix_.emplace(prefix_key(secret.data()), index);
  } else {
    short_.push_back(index);
  }
}

void SecretMasker::add(const Finding& finding) {
  add(finding.secret);
  if (!finding.encoding.empty() && finding.snippet_secret_end <= finding.snippet.size() &&
      finding.snippet_secret_begin < finding.snippet_secret_end) {
    add(std::string_view(finding.snippet)
            .substr(finding.snippet_secret_begin,
                    finding.snippet_secret_end - finding.snippet_secret_begin));
  }
}

std::vector<std::pair<std::size_t, std::size_t>> SecretMasker::find(std::string_view text) const {
  Ranges ranges;
  if (secrets_.empty()) return ranges;
  if (!by_prefix_.empty()) {
    for (std::size_t at = 0; at + sizeof(std::uint64_t) <= text.size(); ++at) {
      auto [first, last] = by_prefix_.equal_range(prefix_key(text.data() + at));
      for (auto candidate = first; candidate != last; ++candidate) {
        const std::string& secret = secrets_[candidate->second];
        if (text.compare(at, secret.size(), secret) == 0)
          ranges.emplace_back(at, at + secret.size());
      }
    }
  }
  for (const std::size_t index : short_) {
    const std::string& secret = secrets_[index];
    for (std::size_t at = text.find(secret); at != std::string_view::npos;
         at = text.find(secret, at + 1))
      ranges.emplace_back(at, at + secret.size());
  }
  merge_ranges(ranges);
  return ranges;
}

std::string SecretMasker::mask(std::string_view text) const {
  const Ranges ranges = find(text);
  if (ranges.empty()) return std::string(text);
  std::string out;
  std::size_t at = 0;
  for (const auto& [begin, end] : ranges) {
    out.append(text.substr(at, begin - at));
    out += kRedacted;
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

void mask_other_secrets(std::span<Finding> findings, std::span<const ConfirmedSpan> extra) {
  if (findings.empty()) return;
  std::vector<ConfirmedSpan> spans(extra.begin(), extra.end());
  SecretMasker masker;
  for (const Finding& finding : findings) {
    spans.push_back({finding.offset, finding.end_offset});
    masker.add(finding);
  }
  std::sort(spans.begin(), spans.end(),
            [](const ConfirmedSpan& a, const ConfirmedSpan& b) { return a.begin < b.begin; });
  std::uint64_t longest = 0;
  for (const ConfirmedSpan& span : spans)
    longest = std::max(longest, span.end - span.begin);
  for (Finding& finding : findings) {
    const std::uint64_t snippet_begin = finding.offset - finding.snippet_secret_begin;
    const std::uint64_t snippet_end = snippet_begin + finding.snippet.size();
    Ranges ranges = masker.find(finding.snippet);
    // Spans that begin up to the longest span's length before the snippet may reach into it.
    const std::uint64_t lowest = snippet_begin > longest ? snippet_begin - longest : 0;
    auto span = std::lower_bound(
        spans.begin(), spans.end(), lowest,
        [](const ConfirmedSpan& a, std::uint64_t offset) { return a.begin < offset; });
    for (; span != spans.end() && span->begin < snippet_end; ++span) {
      if (span->end <= snippet_begin) continue;
      ranges.emplace_back(
          static_cast<std::size_t>(std::max(span->begin, snippet_begin) - snippet_begin),
          static_cast<std::size_t>(std::min(span->end, snippet_end) - snippet_begin));
    }
    // The secret's own range is always redacted; only the others are kept here.
    const std::pair<std::size_t, std::size_t> own{finding.snippet_secret_begin,
                                                  finding.snippet_secret_end};
    std::erase_if(ranges, [&](const auto& range) {
      return range.first >= own.first && range.second <= own.second;
    });
    merge_ranges(ranges);
    finding.snippet_masks = std::move(ranges);
  }
}

void mask_secrets_across(std::span<Finding> findings) {
  SecretMasker masker;
  for (const Finding& finding : findings)
    masker.add(finding);
  if (masker.empty()) return;
  auto mask_fields = [&](Fields& fields) {
    for (auto& entry : fields)
      entry.second = masker.mask(entry.second);
  };
  for (Finding& finding : findings) {
    mask_fields(finding.provenance.fields);
    for (Fields& occurrence : finding.provenance.occurrences)
      mask_fields(occurrence);
    Ranges ranges = masker.find(finding.snippet);
    if (ranges.empty()) continue;
    ranges.insert(ranges.end(), finding.snippet_masks.begin(), finding.snippet_masks.end());
    merge_ranges(ranges);
    finding.snippet_masks = std::move(ranges);
  }
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
