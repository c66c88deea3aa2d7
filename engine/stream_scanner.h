// StreamScanner: finds secrets in an unbounded byte stream (a log, a pipe, a followed file) in
// constant memory, and optionally releases the stream's bytes with every secret masked (redact).
//
// Stage 1 runs the RuleDatabase's streaming-mode Vectorscan database, so a match split across
// feed() calls is reported (rule, end offset) like any other. Stage 2 is Scanner::confirm_rule
// over a bounded tail window: the last RuleDatabase::kMaxMatchLength bytes (plus what pending
// hits and unreleased bytes need). A hit whose PCRE2 match could still grow with more input
// (a partial match) waits for more bytes, at most kMaxMatchLength of them, then is decided on
// what there is. So a finding is reported as soon as it is certain, a PEM key spanning many
// lines is found, and memory per stream does not depend on the input or its line lengths.
//
// Decoding (max_decode_depth > 0): encoded runs have no stage-1 hit, so completed lines are
// passed to scan_decoded() as they become decided (a line longer than kMaxDecodeLag is cut
// there); findings are reported when their line has been decoded, and redact releases only
// decoded bytes. Runs are at most DecoderLimits::max_run bytes, so the window stays bounded.
//
// Release (redact mode): bytes before releasable() can no longer become part of a secret that
// is still undecided. Without a pause that is everything but the last kMaxMatchLength bytes and
// the windows of pending hits; at an input pause it extends to the last line boundary unless a
// rule's partial match (a secret that may still be completed, such as an open PEM block) starts
// before it. Released bytes are exactly the input bytes, except the bytes of the secrets
// reported (a plain match the decoder replaced masks nothing), which are masked ('*', keeping
// newlines, and with MaskStyle::partial a short prefix). Reported findings' snippets mask the
// other secrets decided with them (mask_other_secrets: with decoding on, those of their line).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.h"
#include "engine/provenance.h"
#include "engine/result.h"
#include "engine/rule_database.h"
#include "engine/scanner.h"

struct hs_stream;
struct hs_scratch;

namespace leakhound {

enum class MaskStyle {
  full,     // every byte of the secret but line breaks becomes '*'
  partial,  // keeps the provider prefix (a rule keyword the secret starts with) or 4 bytes
};

struct StreamOptions {
  bool release = false;  // keep unreleased bytes for release() (redact)
  MaskStyle mask = MaskStyle::full;
  // Levels of decoding of encoded runs (engine/decoder.h), 0 = off. Each completed line is
  // decoded and scanned once its plain findings are decided; those findings are held until
  // then, so a generic match of encoded bytes can yield to the decoded secret.
  unsigned max_decode_depth = 0;
  // Optional: sees every confirmed finding first (to annotate it) and decides whether it is
  // reported and, in redact mode, masked; an allowlisted match is not a secret.
  std::function<bool(Finding&)> filter;
};

class StreamScanner {
 public:
  // Needs the database's streaming-mode database (compiled here on first use).
  static Result<std::unique_ptr<StreamScanner>> open(const RuleDatabase& database,
                                                     Provenance provenance,
                                                     StreamOptions options = {});
  ~StreamScanner();
  StreamScanner(const StreamScanner&) = delete;
  StreamScanner& operator=(const StreamScanner&) = delete;

  // Scans the next bytes; appends the findings confirmed so far, with offsets and lines counted
  // from the start of the stream. A secret is reported once, as soon as no more input can change
  // it (at the latest kMaxMatchLength bytes after its stage-1 hit).
  Result<void> feed(std::string_view bytes, std::vector<Finding>& out);
  // The end of the stream: decides every pending hit. feed() may not be called afterwards.
  Result<void> finish(std::vector<Finding>& out);

  // Redact mode only. The offset up to which bytes can be released now; `at_pause` (the input
  // has nothing more for now) allows releasing up to the last line boundary when safe.
  std::uint64_t releasable(bool at_pause);
  // Appends the bytes [released(), upto) to `out`, secrets masked, and forgets them.
  void release(std::uint64_t upto, std::string& out);
  std::uint64_t released() const { return released_; }

  std::uint64_t bytes_fed() const { return stream_end_; }
  // Bytes held in the window now (bounded whatever the input; for tests and diagnostics).
  std::size_t retained_bytes() const { return window_.size(); }
  const ScannerStats& stats() const { return confirmer_.stats(); }
  // Rules whose PCRE2 confirmation gave up on some hit since the last call, each once
  // (Scanner::take_unconfirmed_rules): the caller names them and marks its scan partial.
  std::vector<std::uint32_t> take_unconfirmed_rules() {
    return confirmer_.take_unconfirmed_rules();
  }

 private:
  struct PendingHit {
    std::uint32_t rule;
    std::uint64_t end;  // absolute offset in the stream
  };
  struct SecretSpan {
    std::uint64_t begin;
    std::uint64_t end;
    std::uint32_t keep_prefix;  // bytes shown with MaskStyle::partial
  };

  StreamScanner(const RuleDatabase& database, Provenance provenance, StreamOptions options);
  static int on_hit(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void* context);
  void confirm_pending(bool final, std::vector<Finding>& out);
  bool keyword_before(std::uint32_t rule, std::uint64_t hit_end) const;
  std::uint64_t search_start(const PendingHit& hit) const;
  std::uint64_t partial_match_start(std::uint64_t from, std::uint64_t limit);
  std::uint64_t pending_bound() const;
  Result<void> decode_ready(bool final, std::vector<Finding>& out);
  SecretSpan span_of(const Finding& finding) const;
  // Findings [first, end) of `findings` leave the scanner: their snippets are masked (against
  // each other and what is still held) and, in redact mode, their bytes are masked on release.
  void emit_from(std::vector<Finding>& findings, std::size_t first);
  // Applies options_.filter to findings[first...], erasing the ones it rejects.
  void filter_from(std::vector<Finding>& findings, std::size_t first);
  void trim_window();
  std::string_view window() const { return {window_.data(), window_.size()}; }
  bool decoding() const { return options_.max_decode_depth > 0 && stream_database_ != nullptr; }

  const RuleDatabase& database_;
  Provenance provenance_;
  StreamOptions options_;
  Scanner confirmer_;  // PCRE2 state and the shared stage-2 logic
  const hs_database* stream_database_ = nullptr;
  hs_scratch* scratch_ = nullptr;
  hs_stream* stream_ = nullptr;
  bool finished_ = false;

  std::vector<char> window_;       // bytes [window_base_, stream_end_)
  std::uint64_t window_base_ = 0;  // absolute offset of window_[0]
  std::uint64_t lines_before_window_ = 0;
  std::uint64_t stream_end_ = 0;              // bytes fed so far
  std::uint64_t released_ = 0;                // redact: bytes handed out so far
  std::vector<PendingHit> pending_;           // stage-1 hits not yet decided
  std::vector<std::uint64_t> covered_until_;  // per rule: end of its last confirmed match
  std::vector<SecretSpan> spans_;             // redact: reported secrets not yet released
  std::uint64_t decoded_until_ = 0;           // decoding: bytes before it are decoded
  std::uint64_t lines_before_decoded_ = 0;    // newlines before decoded_until_
  std::vector<Finding> held_;                 // decoding: confirmed, their line not decoded
  std::uint64_t line_memo_ = 0;               // a line start at or before the last finding
  std::uint64_t lines_before_memo_ = 0;       // newlines before line_memo_
  std::vector<Scanner::Hit> hit_buffer_;
  std::vector<Match> match_buffer_;
};

// The bytes that replace `secret` (same length; line breaks kept) for a rule.
std::string mask_secret(std::string_view secret, std::uint32_t keep_prefix);
// How many leading bytes MaskStyle::partial keeps: a keyword of the rule the secret starts with
// (a provider prefix such as "xoxb-") when it is at most half the secret, else min(4, size/4).
std::uint32_t partial_mask_prefix(const Rule& rule, std::string_view secret);

}  // namespace leakhound
