// Incremental SHA-256 (FIPS 180-4), written here so that fe_snapshot needs
// no crypto library. For a string held in memory, Sha256Hex() in
// snapshot_store.h is shorter.
//
// Example:
//
//   Sha256 hasher;
//   while (ReadChunk(&chunk)) hasher.Update(chunk);
//   std::string digest = hasher.FinalHex();

#ifndef FE_CORE_SNAPSHOT_SHA256_H_
#define FE_CORE_SNAPSHOT_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace fe {

// A SHA-256 computation over data that arrives in pieces. Not thread-safe.
class Sha256 {
 public:
  static constexpr size_t kDigestBytes = 32;

  Sha256() { Reset(); }

  // Starts a new digest, discarding any data added so far.
  void Reset();

  // Appends `data` to the message.
  void Update(absl::string_view data);

  // Pads the message and returns its digest. The object must be Reset()
  // before it is updated again.
  std::array<uint8_t, kDigestBytes> Final();

  // Same as Final(), as 64 lowercase hex characters.
  std::string FinalHex();

 private:
  static constexpr size_t kBlockBytes = 64;

  void ProcessBlock(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, kBlockBytes> buffer_;
  size_t buffered_bytes_ = 0;   // bytes of buffer_ in use, < kBlockBytes
  uint64_t message_bytes_ = 0;  // bytes passed to Update() since Reset()
};

}  // namespace fe

#endif  // FE_CORE_SNAPSHOT_SHA256_H_
