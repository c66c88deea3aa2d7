#include "engine/stream_scanner.h"

#include <hs.h>
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>

#include "engine/decoder.h"
#include "engine/overlaps.h"
#include "engine/rule_paths.h"
#include "engine/text.h"

namespace leakhound {
namespace {

// Feeds are scanned in pieces of at most this size, which bounds the window's growth.
constexpr std::size_t kPieceSize = 256 * 1024;
// Bytes kept before the stream's end: the confirm window plus one byte of look-behind (\b).
constexpr std::uint64_t kKeep = RuleDatabase::kMaxMatchLength + 1;
// The window's front is cut only when this much can go, so the memmove is amortised.
constexpr std::uint64_t kTrimSlack = 128 * 1024;
// Decoding: a line longer than this is decoded in pieces (runs longer than half of it are
// never decoded, so a piece boundary splits only runs that are skipped anyway, or one run).
constexpr std::uint64_t kMaxDecodeLag = 2 * DecoderLimits{}.max_run;

constexpr std::array<unsigned char, 256> make_lowercase() {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return table;
}
constexpr std::array<unsigned char, 256> kLowercase = make_lowercase();

bool starts_with_caseless(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

}  // namespace

std::string mask_secret(std::string_view secret, std::uint32_t keep_prefix) {
  std::string out(secret);
  for (std::size_t i = std::min<std::size_t>(keep_prefix, out.size()); i < out.size(); ++i) {
    if (out[i] != '\n' && out[i] != '\r') out[i] = '*';
  }
  return out;
}

std::uint32_t partial_mask_prefix(const Rule& rule, std::string_view secret) {
  for (const std::string& keyword : rule.keywords) {
    if (keyword.size() * 2 <= secret.size() && starts_with_caseless(secret, keyword)) {
      return static_cast<std::uint32_t>(keyword.size());
    }
  }
  return static_cast<std::uint32_t>(std::min<std::size_t>(4, secret.size() / 4));
}

StreamScanner::StreamScanner(const RuleDatabase& database, Provenance provenance,
                             StreamOptions options)
    : database_(database),
      provenance_(std::move(provenance)),
      options_(options),
      confirmer_(database) {}

Result<std::unique_ptr<StreamScanner>> StreamScanner::open(const RuleDatabase& database,
                                                           Provenance provenance,
                                                           StreamOptions options) {
  auto stream_database = database.stream_database();
  if (!stream_database) return stream_database.error();
  std::unique_ptr<StreamScanner> scanner(
      new StreamScanner(database, std::move(provenance), options));
  scanner->stream_database_ = stream_database.value();
  scanner->covered_until_.assign(database.rules().size(), 0);
  if (scanner->stream_database_) {
    if (hs_alloc_scratch(scanner->stream_database_, &scanner->scratch_) != HS_SUCCESS) {
      throw std::bad_alloc();
    }
    if (hs_open_stream(scanner->stream_database_, 0, &scanner->stream_) != HS_SUCCESS) {
      return make_error(scanner->provenance_.path + ": cannot open a Vectorscan stream");
    }
  }
  return scanner;
}

StreamScanner::~StreamScanner() {
  // A stream that was never finished is closed without reporting (nothing listens any more).
  if (stream_) hs_close_stream(stream_, scratch_, nullptr, nullptr);
  if (scratch_) hs_free_scratch(scratch_);
}

int StreamScanner::on_hit(unsigned int id, unsigned long long /*from*/, unsigned long long to,
                          unsigned int /*flags*/, void* context) {
  auto* self = static_cast<StreamScanner*>(context);
  // The window holds the piece being scanned and kMaxMatchLength bytes before it.
  if (id < self->database_.rules().size() && self->keyword_before(id, to))
    self->pending_.push_back({id, static_cast<std::uint64_t>(to)});
  return 0;
}

Result<void> StreamScanner::feed(std::string_view bytes, std::vector<Finding>& out) {
  while (!bytes.empty() && stream_) {
    const std::string_view piece = bytes.substr(0, kPieceSize);
    bytes.remove_prefix(piece.size());
    window_.insert(window_.end(), piece.begin(), piece.end());
    const hs_error_t status = hs_scan_stream(
        stream_, piece.data(), static_cast<unsigned int>(piece.size()), 0, scratch_, on_hit, this);
    stream_end_ += piece.size();
    if (status != HS_SUCCESS) {
      return make_error(provenance_.path + ": Vectorscan stream scan failed with status " +
                        std::to_string(status));
    }
    confirm_pending(false, out);
    if (auto decoded = decode_ready(false, out); !decoded) return decoded;
    trim_window();
  }
  if (!stream_) {  // no rules: nothing can match, but redact still passes the bytes on
    window_.insert(window_.end(), bytes.begin(), bytes.end());
    stream_end_ += bytes.size();
    trim_window();
  }
  return {};
}

Result<void> StreamScanner::finish(std::vector<Finding>& out) {
  if (finished_) return {};
  finished_ = true;
  if (stream_) {
    const hs_error_t status = hs_close_stream(stream_, scratch_, on_hit, this);
    stream_ = nullptr;
    if (status != HS_SUCCESS) {
      return make_error(provenance_.path + ": Vectorscan stream close failed with status " +
                        std::to_string(status));
    }
  }
  confirm_pending(true, out);
  return decode_ready(true, out);
}

bool StreamScanner::keyword_before(std::uint32_t rule, std::uint64_t hit_end) const {
  const auto keywords = database_.rule_keywords(rule);
  if (keywords.empty()) return true;
  // A sighting of any of them that ends at the hit's end or up to kMaxMatchLength bytes before
  // it, looked for in one pass from the hit backwards: a keyword is most often part of the
  // match, and the nearest one ends the search.
  const std::string_view data = window();
  // (During a scan the window holds the piece already; stream_end_ does not count it yet.)
  const auto end = static_cast<std::size_t>(std::min(hit_end - window_base_, data.size()));
  const std::uint64_t lowest =
      hit_end > RuleDatabase::kMaxMatchLength + 1 ? hit_end - RuleDatabase::kMaxMatchLength - 1 : 0;
  const auto floor = static_cast<std::size_t>(std::max(lowest, window_base_) - window_base_);
  std::array<bool, 256> first{};
  std::size_t longest = 0;
  for (const std::uint32_t k : keywords) {
    const std::string_view keyword = database_.keyword(k);
    if (keyword.empty()) return true;
    first[static_cast<unsigned char>(keyword.front())] = true;
    longest = std::max(longest, keyword.size());
  }
  const std::size_t lowest_start = floor > longest ? floor - longest : 0;
  for (std::size_t at = end; at-- > lowest_start;) {
    const unsigned char c = kLowercase[static_cast<unsigned char>(data[at])];
    if (!first[c]) continue;
    for (const std::uint32_t k : keywords) {
      const std::string_view keyword = database_.keyword(k);
      if (static_cast<unsigned char>(keyword.front()) != c || at + keyword.size() > end ||
          at + keyword.size() < floor)
        continue;
      std::size_t i = 1;
      while (i < keyword.size() && kLowercase[static_cast<unsigned char>(data[at + i])] ==
                                       static_cast<unsigned char>(keyword[i]))
        ++i;
      if (i == keyword.size()) return true;
    }
  }
  return false;
}

std::uint64_t StreamScanner::search_start(const PendingHit& hit) const {
  const std::uint64_t width = database_.max_width(hit.rule);
  const std::uint64_t from = hit.end > width ? hit.end - width : 0;
  return std::max(from, covered_until_[hit.rule]);
}

void StreamScanner::confirm_pending(bool final, std::vector<Finding>& out) {
  if (pending_.empty()) return;
  std::stable_sort(pending_.begin(), pending_.end(), [](const PendingHit& a, const PendingHit& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.end < b.end;
  });
  const std::string_view data = window();
  match_buffer_.clear();
  std::vector<PendingHit> still_pending;
  for (auto group = pending_.begin(); group != pending_.end();) {
    const std::uint32_t rule = group->rule;
    auto group_end = std::find_if(group, pending_.end(),
                                  [&](const PendingHit& hit) { return hit.rule != rule; });
    hit_buffer_.clear();
    std::size_t forced = 0;  // hits so old that no more input may change them come first
    for (auto hit = group; hit != group_end; ++hit) {
      if (hit->end <= covered_until_[rule]) continue;
      hit_buffer_.push_back({rule, static_cast<std::uint32_t>(hit->end - window_base_)});
      if (final || stream_end_ - hit->end >= RuleDatabase::kMaxMatchLength) forced++;
    }
    std::uint64_t covered =
        covered_until_[rule] > window_base_ ? covered_until_[rule] - window_base_ : 0;
    const Scanner::Hit* begin = hit_buffer_.data();
    const Scanner::Hit* end = begin + hit_buffer_.size();
    confirmer_.confirm_rule(data, rule, begin, begin + forced, covered, false, match_buffer_);
    const Scanner::Hit* undecided =
        confirmer_.confirm_rule(data, rule, begin + forced, end, covered, true, match_buffer_);
    for (const Scanner::Hit* hit = undecided; hit != end; ++hit)
      still_pending.push_back({rule, window_base_ + hit->end});
    covered_until_[rule] = std::max(covered_until_[rule], window_base_ + covered);
    group = group_end;
  }
  pending_ = std::move(still_pending);
  if (match_buffer_.empty()) return;
  std::sort(match_buffer_.begin(), match_buffer_.end(), [](const Match& a, const Match& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
  drop_generic_overlaps(database_.rules(), match_buffer_);
  std::vector<Finding>& target = decoding() ? held_ : out;  // held until their line is decoded
  const std::size_t first = target.size();
  // Lines are counted from the start of the line of the last finding when the matches are all
  // after it, else from the window's start (which may be hundreds of KiB back).
  std::uint64_t from = window_base_;
  std::uint64_t lines_before = lines_before_window_;
  if (line_memo_ >= window_base_ && line_memo_ - window_base_ <= match_buffer_.front().start) {
    from = line_memo_;
    lines_before = lines_before_memo_;
    const std::uint64_t shift = from - window_base_;
    for (Match& match : match_buffer_) {
      match.start -= shift;
      match.end -= shift;
      match.secret_start -= shift;
      match.secret_end -= shift;
    }
  }
  const std::string_view located = data.substr(static_cast<std::size_t>(from - window_base_));
  locate_findings(located, match_buffer_, database_.rules(), from, lines_before, provenance_,
                  target);
  const Match& last = match_buffer_.back();
  const std::size_t newline =
      last.secret_start == 0 ? std::string_view::npos : located.rfind('\n', last.secret_start - 1);
  if (newline != std::string_view::npos) {
    line_memo_ = from + newline + 1;
    lines_before_memo_ = target.back().line - 1;  // one finding per match, in order
  }
  filter_from(target, first);
  // Held findings are emitted once their line is decoded: the decoder may still replace them.
  if (!decoding()) emit_from(target, first);
}

void StreamScanner::filter_from(std::vector<Finding>& findings, std::size_t first) {
  drop_findings_outside_rule_paths(findings, first, provenance_.path);
  if (!options_.filter) return;
  auto rejected =
      std::remove_if(findings.begin() + static_cast<std::ptrdiff_t>(first), findings.end(),
                     [&](Finding& finding) { return !options_.filter(finding); });
  findings.erase(rejected, findings.end());
}

StreamScanner::SecretSpan StreamScanner::span_of(const Finding& finding) const {
  const std::uint32_t keep =
      options_.mask == MaskStyle::partial ? partial_mask_prefix(*finding.rule, finding.secret) : 0;
  return {finding.offset, finding.end_offset, keep};
}

void StreamScanner::emit_from(std::vector<Finding>& findings, std::size_t first) {
  if (first >= findings.size()) return;
  std::vector<ConfirmedSpan> held;
  held.reserve(held_.size());
  for (const Finding& finding : held_)
    held.push_back({finding.offset, finding.end_offset});
  mask_other_secrets(std::span<Finding>(findings).subspan(first), held);
  if (!options_.release) return;
  for (std::size_t i = first; i < findings.size(); ++i)
    spans_.push_back(span_of(findings[i]));
}

std::uint64_t StreamScanner::pending_bound() const {
  std::uint64_t bound = stream_end_;
  for (const PendingHit& hit : pending_)
    bound = std::min(bound, search_start(hit));
  return bound;
}

Result<void> StreamScanner::decode_ready(bool final, std::vector<Finding>& out) {
  if (!decoding()) return {};
  // Decode the completed lines whose plain findings are all decided (a plain finding of
  // encoded bytes may yield to the decoded one), or a piece of a very long line.
  std::uint64_t upto = final ? stream_end_ : pending_bound();
  if (!final && upto > decoded_until_) {
    const std::string_view ready =
        window().substr(static_cast<std::size_t>(decoded_until_ - window_base_),
                        static_cast<std::size_t>(upto - decoded_until_));
    const std::size_t newline = ready.rfind('\n');
    if (newline != std::string_view::npos) {
      upto = decoded_until_ + newline + 1;
    } else if (ready.size() < kMaxDecodeLag) {
      upto = decoded_until_;
    }
  }
  Result<void> scanned;
  if (upto > decoded_until_) {
    const std::string_view region =
        window().substr(static_cast<std::size_t>(decoded_until_ - window_base_),
                        static_cast<std::size_t>(upto - decoded_until_));
    DecodeScanOptions decode;
    decode.max_depth = options_.max_decode_depth;
    decode.base_offset = decoded_until_;
    scanned = scan_decoded(confirmer_, region, decode, provenance_, held_);
    // Decoded findings are the held ones with an encoding chain (all earlier ones went out):
    // their lines count from the region's start.
    auto decoded = std::stable_partition(held_.begin(), held_.end(), [](const Finding& finding) {
      return finding.encoding.empty();
    });
    const auto first = static_cast<std::size_t>(decoded - held_.begin());
    for (auto finding = decoded; finding != held_.end(); ++finding) {
      finding->line += lines_before_decoded_;
      finding->end_line += lines_before_decoded_;
    }
    filter_from(held_, first);
    lines_before_decoded_ += count_newlines(region.data(), region.data() + region.size());
    decoded_until_ = upto;
  }
  // Out go the findings that end in decoded bytes, in stream order.
  auto ready = std::stable_partition(held_.begin(), held_.end(), [&](const Finding& finding) {
    return final || finding.end_offset <= decoded_until_;
  });
  std::sort(held_.begin(), ready, [](const Finding& a, const Finding& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.rule->id < b.rule->id;
  });
  const std::size_t first_out = out.size();
  std::move(held_.begin(), ready, std::back_inserter(out));
  held_.erase(held_.begin(), ready);
  emit_from(out, first_out);
  return scanned;
}

void StreamScanner::trim_window() {
  std::uint64_t keep_from = stream_end_ > kKeep ? stream_end_ - kKeep : 0;
  for (const PendingHit& hit : pending_) {
    const std::uint64_t start = search_start(hit);
    keep_from = std::min(keep_from, start > 0 ? start - 1 : 0);
  }
  if (options_.release) keep_from = std::min(keep_from, released_);
  if (decoding()) keep_from = std::min(keep_from, decoded_until_);
  if (keep_from < window_base_ + kTrimSlack) return;
  const std::size_t cut = static_cast<std::size_t>(keep_from - window_base_);
  if (decoding()) {
    // The decoder counted the lines up to decoded_until_: count back from there (a short
    // stretch) rather than over everything that goes.
    const char* decoded = window_.data() + (decoded_until_ - window_base_);
    lines_before_window_ = lines_before_decoded_ - count_newlines(window_.data() + cut, decoded);
  } else {
    lines_before_window_ += count_newlines(window_.data(), window_.data() + cut);
  }
  window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(cut));
  window_base_ = keep_from;
}

std::uint64_t StreamScanner::partial_match_start(std::uint64_t from, std::uint64_t limit) {
  // The earliest start in [from, limit) of a match attempt of any rule that reaches the end of
  // the input (PCRE2_PARTIAL_HARD): a secret that more input may still complete.
  std::uint64_t earliest = limit;
  const std::string_view data = window();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(data.data());
  pcre2_match_data* match_data = pcre2_match_data_create(1, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  if (!match_data || !context) throw std::bad_alloc();
  pcre2_set_match_limit(context, 1'000'000);
  for (std::size_t rule = 0; rule < database_.rules().size(); ++rule) {
    const pcre2_code* code = database_.confirm_code(rule);
    std::uint64_t start = from - window_base_;
    const std::uint64_t stop = earliest - window_base_;
    while (start < stop) {
      pcre2_set_offset_limit(context, stop - 1);
      const int rc =
          pcre2_match(code, subject, data.size(), start, PCRE2_PARTIAL_HARD, match_data, context);
      if (rc == PCRE2_ERROR_NOMATCH) break;
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data);
      if (rc == PCRE2_ERROR_PARTIAL) {
        // A partial match that begins with a line's newline (a rule's "(?:^|[^...])" delimiter)
        // cannot make that newline secret: the line itself may go.
        const std::uint64_t partial_start = ovector[0] + (data[ovector[0]] == '\n' ? 1 : 0);
        earliest = std::min<std::uint64_t>(earliest, window_base_ + partial_start);
        break;
      }
      if (rc < 0) {  // gave up (match limit): hold back from here, to be safe
        earliest = std::min<std::uint64_t>(earliest, window_base_ + start);
        break;
      }
      start = std::max<std::uint64_t>(ovector[0] + 1, start + 1);  // a complete match: look on
    }
  }
  pcre2_match_context_free(context);
  pcre2_match_data_free(match_data);
  return earliest;
}

std::uint64_t StreamScanner::releasable(bool at_pause) {
  if (finished_) return stream_end_;
  std::uint64_t pending_bound = this->pending_bound();
  if (decoding()) pending_bound = std::min(pending_bound, decoded_until_);
  std::uint64_t safe =
      std::min(pending_bound, stream_end_ > kKeep ? stream_end_ - kKeep : std::uint64_t{0});
  if (at_pause && released_ < stream_end_) {
    const std::string_view data = window();
    const std::size_t last_newline = data.rfind('\n');
    if (last_newline != std::string_view::npos) {
      std::uint64_t line_end = window_base_ + last_newline + 1;
      line_end = std::min(line_end, pending_bound);
      const std::uint64_t from = std::max(released_, safe);
      if (line_end > from) safe = std::max(safe, partial_match_start(from, line_end));
    }
  }
  return std::max(safe, released_);
}

void StreamScanner::release(std::uint64_t upto, std::string& out) {
  upto = std::min(upto, stream_end_);
  if (upto <= released_) return;
  const std::size_t out_start = out.size();
  const char* begin = window_.data() + (released_ - window_base_);
  out.append(begin, static_cast<std::size_t>(upto - released_));
  auto mask = [&](const SecretSpan& span) {
    const std::uint64_t from = std::max(span.begin, released_);
    const std::uint64_t to = std::min(span.end, upto);
    for (std::uint64_t p = from; p < to; ++p) {
      char& c = out[out_start + static_cast<std::size_t>(p - released_)];
      if (p - span.begin >= span.keep_prefix && c != '\n' && c != '\r') c = '*';
    }
  };
  // Only the secrets reported (spans_), and those still held for decoding that reach into the
  // released bytes (a secret over a line break); never a match the decoder replaced.
  for (const SecretSpan& span : spans_)
    mask(span);
  for (const Finding& finding : held_) {
    if (finding.offset < upto) mask(span_of(finding));
  }
  released_ = upto;
  std::erase_if(spans_, [&](const SecretSpan& span) { return span.end <= released_; });
  trim_window();
}

}  // namespace leakhound
