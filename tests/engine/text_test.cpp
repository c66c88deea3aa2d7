#include "engine/text.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

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
