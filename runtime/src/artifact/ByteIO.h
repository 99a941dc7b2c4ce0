//===- ByteIO.h - Little-endian encoding helpers ----------------*- C++ -*-===//

#ifndef FMC_RUNTIME_ARTIFACT_BYTEIO_H
#define FMC_RUNTIME_ARTIFACT_BYTEIO_H

#include <cstdint>
#include <vector>

namespace fmc::artifact {

inline uint32_t readLE32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

inline uint64_t readLE64(const uint8_t *p) {
  return uint64_t(readLE32(p)) | uint64_t(readLE32(p + 4)) << 32;
}

inline void writeLE32(uint8_t *p, uint32_t value) {
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(value >> (8 * i));
}

inline void writeLE64(uint8_t *p, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    p[i] = uint8_t(value >> (8 * i));
}

inline void appendLE32(std::vector<uint8_t> &out, uint32_t value) {
  out.resize(out.size() + 4);
  writeLE32(out.data() + out.size() - 4, value);
}

inline void appendLE64(std::vector<uint8_t> &out, uint64_t value) {
  out.resize(out.size() + 8);
  writeLE64(out.data() + out.size() - 8, value);
}

} // namespace fmc::artifact

#endif // FMC_RUNTIME_ARTIFACT_BYTEIO_H
