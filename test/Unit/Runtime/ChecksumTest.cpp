//===- ChecksumTest.cpp - fmc_checksum64 known answers --------------------===//

#include "runtime/src/base/Checksum.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

namespace {

// The expected values were computed independently of Checksum.c, with this
// Python transcription of the formula in docs/ARTIFACT.md:
//
//   M = (1 << 64) - 1
//   def rotl(x, r): return ((x << r) | (x >> (64 - r))) & M
//   def cs(b):
//       h = 0x9E3779B97F4A7C15 ^ len(b)
//       for i in range(0, len(b), 8):
//           w = int.from_bytes(b[i:i+8].ljust(8, b'\0'), 'little')
//           h = (rotl(h ^ ((w * 0x87C37B91114253D5) & M), 31)
//                * 0x4CF5AD432745937F) & M
//       h ^= h >> 33; h = (h * 0xFF51AFD7ED558CCD) & M; h ^= h >> 33
//       return h
struct KnownAnswer {
  const char *text;
  uint64_t expected;
};

TEST(ChecksumTest, KnownAnswers) {
  const KnownAnswer answers[] = {
      {"", 0x9341ca263702a9e6ull},
      {"a", 0xc0e4de2af5ee8088ull},
      {"abcdefgh", 0x3c582ae7492a4b58ull},
      {"hello, world!", 0x7de6496e63953ecdull},
  };
  for (const KnownAnswer &answer : answers)
    EXPECT_EQ(fmc_checksum64(answer.text, std::strlen(answer.text)),
              answer.expected)
        << "for \"" << answer.text << "\"";
}

TEST(ChecksumTest, KnownAnswersBinary) {
  std::vector<uint8_t> bytes(256);
  std::iota(bytes.begin(), bytes.end(), 0); // cs(bytes(range(256)))
  EXPECT_EQ(fmc_checksum64(bytes.data(), bytes.size()), 0x5ccae504ebb73ff5ull);
  // The size seeds the hash: zero padding does not hide a length change.
  std::vector<uint8_t> zeros(8, 0);
  EXPECT_EQ(fmc_checksum64(zeros.data(), 7), 0xd1fe88980d207f43ull);
  EXPECT_EQ(fmc_checksum64(zeros.data(), 8), 0xc9186550c320eba0ull);
}

TEST(ChecksumTest, IncrementalMatchesOneShot) {
  std::vector<uint8_t> bytes(1000);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = uint8_t(i * 131 + 7);
  uint64_t expected = fmc_checksum64(bytes.data(), bytes.size());
  // Split the input at every chunk size from 1 to 19 bytes.
  for (size_t chunk = 1; chunk < 20; ++chunk) {
    fmc_checksum64_state_t state;
    fmc_checksum64_init(&state, bytes.size());
    for (size_t at = 0; at < bytes.size(); at += chunk)
      fmc_checksum64_update(&state, bytes.data() + at,
                            std::min(chunk, bytes.size() - at));
    EXPECT_EQ(fmc_checksum64_final(&state), expected) << "chunk " << chunk;
  }
}

} // namespace
