#include <catch2/catch.hpp>

#include "engine/entropy.h"

using leakhound::shannon_entropy;

TEST_CASE("entropy of empty and constant strings is zero", "[entropy]") {
  CHECK(shannon_entropy("") == 0.0);
  CHECK(shannon_entropy("aaaaaaaa") == 0.0);
}

TEST_CASE("entropy counts bits per byte", "[entropy]") {
  CHECK(shannon_entropy("ab") == Approx(1.0));
  CHECK(shannon_entropy("abcd") == Approx(2.0));
  CHECK(shannon_entropy("0123456789abcdef") == Approx(4.0));
  // Three symbols, probabilities 1/2, 1/4, 1/4: 1.5 bits.
  CHECK(shannon_entropy("aabc") == Approx(1.5));
}
