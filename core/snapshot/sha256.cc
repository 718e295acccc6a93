// SHA-256 as specified in FIPS 180-4, sections 4.1.2 (functions), 4.2.2
// (constants), 5.1.1 (padding), 5.3.3 (initial hash value) and 6.2.2 (hash
// computation).

#include "core/snapshot/sha256.h"

#include <algorithm>
#include <cstring>

#include "core/snapshot/snapshot_store.h"

namespace fe {
namespace {

// First 32 bits of the fractional parts of the cube roots of the first 64
// primes (FIPS 180-4, section 4.2.2).
constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// First 32 bits of the fractional parts of the square roots of the first 8
// primes (FIPS 180-4, section 5.3.3).
constexpr uint32_t kInitialState[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

inline uint32_t RotateRight(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

inline uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

inline void StoreBigEndian32(uint32_t value, uint8_t* p) {
  p[0] = static_cast<uint8_t>(value >> 24);
  p[1] = static_cast<uint8_t>(value >> 16);
  p[2] = static_cast<uint8_t>(value >> 8);
  p[3] = static_cast<uint8_t>(value);
}

}  // namespace

void Sha256::Reset() {
  std::copy(std::begin(kInitialState), std::end(kInitialState), state_.begin());
  buffered_bytes_ = 0;
  message_bytes_ = 0;
}

void Sha256::Update(absl::string_view data) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  size_t remaining = data.size();
  message_bytes_ += remaining;

  // Complete a partly filled block first.
  if (buffered_bytes_ > 0) {
    const size_t copied = std::min(remaining, kBlockBytes - buffered_bytes_);
    std::memcpy(buffer_.data() + buffered_bytes_, bytes, copied);
    buffered_bytes_ += copied;
    bytes += copied;
    remaining -= copied;
    if (buffered_bytes_ < kBlockBytes) return;
    ProcessBlock(buffer_.data());
    buffered_bytes_ = 0;
  }

  // Hash whole blocks straight from the input, without copying.
  while (remaining >= kBlockBytes) {
    ProcessBlock(bytes);
    bytes += kBlockBytes;
    remaining -= kBlockBytes;
  }

  std::memcpy(buffer_.data(), bytes, remaining);
  buffered_bytes_ = remaining;
}

std::array<uint8_t, Sha256::kDigestBytes> Sha256::Final() {
  // Padding: a 1 bit, zeros up to 56 bytes mod 64, then the message length
  // in bits as a 64-bit big-endian integer.
  const uint64_t message_bits = message_bytes_ * 8;
  buffer_[buffered_bytes_++] = 0x80;
  if (buffered_bytes_ > kBlockBytes - 8) {
    std::fill(buffer_.begin() + buffered_bytes_, buffer_.end(), 0);
    ProcessBlock(buffer_.data());
    buffered_bytes_ = 0;
  }
  std::fill(buffer_.begin() + buffered_bytes_, buffer_.end() - 8, 0);
  StoreBigEndian32(static_cast<uint32_t>(message_bits >> 32),
                   buffer_.data() + kBlockBytes - 8);
  StoreBigEndian32(static_cast<uint32_t>(message_bits),
                   buffer_.data() + kBlockBytes - 4);
  ProcessBlock(buffer_.data());
  buffered_bytes_ = 0;

  std::array<uint8_t, kDigestBytes> digest;
  for (size_t i = 0; i < state_.size(); ++i) {
    StoreBigEndian32(state_[i], digest.data() + 4 * i);
  }
  return digest;
}

std::string Sha256::FinalHex() {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  const std::array<uint8_t, kDigestBytes> digest = Final();
  std::string hex(2 * kDigestBytes, '0');
  for (size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kHexDigits[digest[i] >> 4];
    hex[2 * i + 1] = kHexDigits[digest[i] & 0x0f];
  }
  return hex;
}

void Sha256::ProcessBlock(const uint8_t* block) {
  // Message schedule W_0..W_63.
  uint32_t w[64];
  for (int t = 0; t < 16; ++t) w[t] = LoadBigEndian32(block + 4 * t);
  for (int t = 16; t < 64; ++t) {
    const uint32_t s0 = RotateRight(w[t - 15], 7) ^ RotateRight(w[t - 15], 18) ^
                        (w[t - 15] >> 3);
    const uint32_t s1 = RotateRight(w[t - 2], 17) ^ RotateRight(w[t - 2], 19) ^
                        (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }

  uint32_t a = state_[0];
  uint32_t b = state_[1];
  uint32_t c = state_[2];
  uint32_t d = state_[3];
  uint32_t e = state_[4];
  uint32_t f = state_[5];
  uint32_t g = state_[6];
  uint32_t h = state_[7];
  for (int t = 0; t < 64; ++t) {
    const uint32_t sigma1 =
        RotateRight(e, 6) ^ RotateRight(e, 11) ^ RotateRight(e, 25);
    const uint32_t choose = (e & f) ^ (~e & g);
    const uint32_t t1 = h + sigma1 + choose + kRoundConstants[t] + w[t];
    const uint32_t sigma0 =
        RotateRight(a, 2) ^ RotateRight(a, 13) ^ RotateRight(a, 22);
    const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    const uint32_t t2 = sigma0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }

  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
  state_[5] += f;
  state_[6] += g;
  state_[7] += h;
}

std::string Sha256Hex(const std::string& data) {
  Sha256 hasher;
  hasher.Update(data);
  return hasher.FinalHex();
}

}  // namespace fe
