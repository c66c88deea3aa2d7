// Ctrl-C during a dir scan (issue 14 item 12): a valid report marked partial, a word on stderr,
// exit 130.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support.h"

using leakhound::test::run_shell;
using leakhound::test::shell_quote;
using leakhound::test::TempDir;

TEST_CASE("regression: SIGINT during a dir scan writes a partial report and exits 130") {
  TempDir tree;
  // Enough inputs that one thread is still scanning when the signal comes.
  const std::string filler(8192, 'x');
  for (int i = 0; i < 20000; ++i)
    tree.write("t/f" + std::to_string(i) + ".txt", filler + "\n");
  // Signal once the handler is installed (bit 2, SIGINT, of SigCgt in /proc), not after a delay.
  const std::string report = (tree.path() / "report.json").string();
  const std::string script =
      shell_quote(LEAKHOUND_BINARY) + " dir " + shell_quote((tree.path() / "t").string()) +
      " --threads 1 --format json -o " + shell_quote(report) + " 2>" +
      shell_quote((tree.path() / "err.txt").string()) +
      " & p=$!; until grep -Eq '^SigCgt:.*[2367abef]$' /proc/$p/status 2>/dev/null; do :; done;"
      " kill -INT $p; wait $p; echo rc=$?; cat " +
      shell_quote((tree.path() / "err.txt").string());
  const auto result = run_shell(script);
  CHECK(result.out.find("rc=130") != std::string::npos);
  CHECK(result.out.find("interrupted: report holds the findings so far") != std::string::npos);
  std::ifstream in(report);
  const auto json = nlohmann::json::parse(in);  // throws (fails) if the report is not valid JSON
  CHECK(json["summary"]["partial"] == true);
}
