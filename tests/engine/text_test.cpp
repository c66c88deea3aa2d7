#include "engine/text.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

using leakhound::contains_caseless;
using leakhound::count_newlines;
using leakhound::trim_blanks;

TEST_CASE("count_newlines counts every line break at every length and alignment", "[text]") {
  std::mt19937 random(3);
  // Long enough for several rounds of the vector lanes (each holds 255 blocks of 16 bytes).
  std::string text(3 * 255 * 16 * 2 + 77, 'x');
  for (char& c : text)
    c = random() % 7 == 0 ? '\n' : static_cast<char>('a' + random() % 26);
  for (std::size_t length :
       {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{31},
        std::size_t{33}, std::size_t{255 * 16}, std::size_t{255 * 32 + 17}, text.size() - 3}) {
    for (std::size_t offset : {0, 1, 3}) {
      const char* begin = text.data() + offset;
      INFO("length " << length << " offset " << offset);
      CHECK(count_newlines(begin, begin + length) ==
            static_cast<std::uint64_t>(std::count(begin, begin + length, '\n')));
    }
  }
  const std::string all(10000, '\n');  // every lane full at each round
  CHECK(count_newlines(all.data(), all.data() + all.size()) == 10000);
}

TEST_CASE("trim_blanks drops blanks at both ends only", "[text]") {
  CHECK(trim_blanks(" \tkey: value \t\r") == "key: value");
  CHECK(trim_blanks("a b") == "a b");
  CHECK(trim_blanks(" \t ").empty());
}

TEST_CASE("contains_caseless finds what a caseless byte-by-byte search finds", "[text]") {
  const auto reference = [](std::string_view text, std::string_view needle) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    for (std::size_t at = 0; at + needle.size() <= text.size(); ++at) {
      std::size_t i = 0;
      while (i < needle.size() && lower(text[at + i]) == needle[i])
        ++i;
      if (i == needle.size()) return true;
    }
    return needle.empty();
  };
  // Letters whose other case differs in bit 0x20, and bytes that differ from them in it too
  // ('@' and '`', '[' and '{', 0xC1 and 0xE1) but are no case of them.
  const std::string alphabet = "aAbB@`[{Kk\xc1\xe1-";
  std::mt19937 random(5);
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 70, ' ');
    for (char& c : text)
      c = alphabet[random() % alphabet.size()];
    std::string needle(1 + random() % 3, ' ');
    for (char& c : needle) {
      c = alphabet[random() % alphabet.size()];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    INFO("text '" << text << "' needle '" << needle << "'");
    REQUIRE(contains_caseless(text, needle) == reference(text, needle));
  }
  CHECK(contains_caseless(std::string(40, '.') + "SeCrEt", "secret"));  // at the very end
  CHECK_FALSE(contains_caseless(std::string(40, '.') + "SeCrE", "secret"));
  CHECK_FALSE(contains_caseless("@pi", "`pi"));
  CHECK(contains_caseless("x", ""));
}
