// Summary: what a scan did, for the reporters' closing section and for the exit code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace leakhound {

struct Summary {
  std::uint64_t inputs_scanned = 0;  // files, blobs, layer entries or streams (chunks count once)
  std::uint64_t bytes_scanned = 0;
  std::uint64_t findings = 0;
  // Findings that are sightings of planted decoys (honeytokens): exit code 3.
  std::uint64_t honeytokens = 0;
  std::uint64_t errors = 0;                      // inputs that could not be read
  std::map<std::string, std::uint64_t> skipped;  // by reason ("binary", "too large", ...)
  // (rule, input) pairs where a candidate could be neither confirmed nor ruled out (PCRE2's
  // match or depth limit): they make the scan partial and are named among the problems.
  std::uint64_t unconfirmed = 0;
  bool partial = false;  // some input was not scanned: exit code 2
  // A stop signal (SIGINT/SIGTERM) ended the scan early; partial is set too. Exit code 130.
  bool interrupted = false;
  // (input, reason) of the first kMaxProblems errors and partial skips, for reports.
  std::vector<std::pair<std::string, std::string>> problems;
  static constexpr std::size_t kMaxProblems = 1000;
  std::size_t rules = 0;
  unsigned threads = 1;
  double seconds = 0.0;
};

}  // namespace leakhound
