// SHA-256 through OpenSSL's libcrypto: finding fingerprints, rule-set hashes, cache keys.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace leakhound {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::string_view bytes);
  Sha256& update(const void* data, std::size_t size);
  Sha256Digest finish();

 private:
  void* context_;  // EVP_MD_CTX, kept opaque so OpenSSL's headers stay out of ours
};

Sha256Digest sha256(std::string_view bytes);
std::string to_hex(const std::uint8_t* data, std::size_t size);
inline std::string to_hex(const Sha256Digest& digest) {
  return to_hex(digest.data(), digest.size());
}

}  // namespace leakhound
