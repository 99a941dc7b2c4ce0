//===- Format.h - Constants and records of the .fmc format ------*- C++ -*-===//
//
// The layout of an fmc artifact, as specified by docs/ARTIFACT.md. Shared by
// the writer (in the compiler) and the reader (in the runtime); it holds no
// runtime internals.
//
// All integers in the file are little-endian; the structs below are the
// decoded values, not the on-disk bytes (the reader and writer encode and
// decode field by field).
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_ARTIFACT_FORMAT_H
#define FMC_RUNTIME_ARTIFACT_FORMAT_H

#include <cstdint>
#include <string>
#include <vector>

namespace fmc::artifact {

/// The 8 bytes at offset 0.
constexpr char kMagic[8] = {'F', 'M', 'C', 'M', 'O', 'D', 'E', 'L'};
/// The format version this code reads and writes.
constexpr uint32_t kFormatVersion = 1;
/// The version field at the start of the META section: version 2 adds the
/// device target (GPU artifacts) and the arena size; the writer uses 1 when
/// both are absent. Readers accept both.
constexpr uint32_t kMetaVersion = 1;
constexpr uint32_t kMetaVersionDevice = 2;

constexpr uint64_t kHeaderSize = 64;
constexpr uint64_t kSectionEntrySize = 32;
/// Every section starts at a multiple of this offset.
constexpr uint64_t kSectionAlignment = 64;
/// The WEIGHTS section starts at a multiple of this, so that mapped weights
/// are page-aligned.
constexpr uint64_t kWeightsSectionAlignment = 4096;
/// Each weight's offset inside the WEIGHTS section is a multiple of this.
constexpr uint64_t kWeightAlignment = 64;

/// Header field offsets.
constexpr uint64_t kHeaderMagicOffset = 0;
constexpr uint64_t kHeaderVersionOffset = 8;
constexpr uint64_t kHeaderSectionCountOffset = 12;
constexpr uint64_t kHeaderFileSizeOffset = 16;
constexpr uint64_t kHeaderTableChecksumOffset = 24;
constexpr uint64_t kHeaderReservedOffset = 32;
constexpr uint64_t kHeaderReservedSize = 32;

/// Section table entry field offsets (relative to the entry).
constexpr uint64_t kSectionKindOffset = 0;
constexpr uint64_t kSectionFlagsOffset = 4;
constexpr uint64_t kSectionOffsetOffset = 8;
constexpr uint64_t kSectionSizeOffset = 16;
constexpr uint64_t kSectionChecksumOffset = 24;

enum class SectionKind : uint32_t {
  Meta = 1,
  Code = 2,
  Weights = 3,
};

/// "META", "CODE", "WEIGHTS"; nullptr for an unknown kind.
inline const char *sectionKindName(uint32_t kind) {
  switch (kind) {
  case uint32_t(SectionKind::Meta):
    return "META";
  case uint32_t(SectionKind::Code):
    return "CODE";
  case uint32_t(SectionKind::Weights):
    return "WEIGHTS";
  default:
    return nullptr;
  }
}

/// The decoded file header.
struct FileHeader {
  uint32_t version = 0;
  uint32_t sectionCount = 0;
  uint64_t fileSize = 0;
  uint64_t tableChecksum = 0;
};

/// One decoded section table entry.
struct SectionEntry {
  uint32_t kind = 0;
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t checksum = 0;
};

/// A tensor in META: name, dtype (fmc_dtype_t numbers) and static shape.
struct TensorDesc {
  std::string name;
  uint32_t dtype = 0;
  std::vector<int64_t> shape;
};

/// A weight in META: its tensor and where its bytes lie in the WEIGHTS
/// section.
struct WeightEntry {
  TensorDesc desc;
  uint64_t offset = 0; ///< Relative to the start of the WEIGHTS section.
  uint64_t nbytes = 0;
};

/// The decoded META section.
struct Metadata {
  std::string entrySymbol;
  std::string targetTriple;
  std::string targetCpu;
  /// The accelerator the CODE section's kernels run on (`sm_80` ...); empty
  /// for CPU code.
  std::string device;
  /// Bytes of the arena the runtime passes after the outputs (intermediate
  /// buffers planned at compile time); 0 for none.
  uint64_t arenaBytes = 0;
  std::string sourceName;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  std::vector<WeightEntry> weights;
};

/// Rounds `value` up to a multiple of `alignment` (a power of two).
constexpr uint64_t alignTo(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

} // namespace fmc::artifact

#endif // FMC_RUNTIME_ARTIFACT_FORMAT_H
