//===- Metadata.h - Encoding and checking the META section ------*- C++ -*-===//
//
// The single definition of the META layout and of the rules its contents
// obey, used by both the writer and the reader.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_ARTIFACT_METADATA_H
#define FMC_RUNTIME_ARTIFACT_METADATA_H

#include "runtime/src/artifact/Format.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fmc::artifact {

/// Appends the META encoding of `meta` to `out`. Strings must be shorter than
/// 4 GiB (verifyMetadata checks it).
void encodeMetadata(const Metadata &meta, std::vector<uint8_t> &out);

/// Decodes a META section with bounds checks on every field. On failure
/// returns false with the reason in `error`; `unsupported` is set when the
/// reason is an unknown META version.
bool decodeMetadata(const uint8_t *data, uint64_t size, Metadata &out,
                    std::string &error, bool &unsupported);

/// Checks the rules of docs/ARTIFACT.md on decoded (or about to be encoded)
/// metadata: a non-empty entry symbol, strings without NUL bytes that fit the
/// u32 length, unique non-empty input and output names, known dtypes,
/// non-negative dims, and weights that are 64-byte aligned, lie inside a
/// WEIGHTS section of `weightsSize` bytes and whose size matches their shape.
bool verifyMetadata(const Metadata &meta, uint64_t weightsSize,
                    std::string &error);

} // namespace fmc::artifact

#endif // FMC_RUNTIME_ARTIFACT_METADATA_H
