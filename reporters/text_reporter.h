// Human-readable report: one block per finding (rule, location, redacted line, fingerprint,
// what the credential grants and how to revoke it). Colour only when asked (the CLI asks when
// the output is a terminal and NO_COLOR is unset). Control characters from scanned content are
// escaped so a hostile file cannot drive the terminal.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "engine/reporter.h"

namespace leakhound {

// Escapes control bytes (except tab) as \xNN; other bytes pass through.
std::string printable(std::string_view text);

class TextReporter : public Reporter {
 public:
  TextReporter(std::ostream& out, bool show_secrets, bool colour)
      : out_(out), show_secrets_(show_secrets), colour_(colour) {}
  void begin(const RunInfo&) override {}
  void finding(const Finding& finding) override;
  void end(const Summary&) override { out_.flush(); }

 private:
  std::string paint(std::string_view text, std::string_view code) const;

  std::ostream& out_;
  bool show_secrets_;
  bool colour_;
};

}  // namespace leakhound
