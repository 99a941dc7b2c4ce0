//===- ArtifactTest.cpp - Artifact writer and reader ----------------------===//

#include "TestFiles.h"

#include "runtime/src/artifact/ArtifactReader.h"
#include "runtime/src/artifact/ArtifactWriter.h"
#include "runtime/src/artifact/ByteIO.h"
#include "runtime/src/artifact/Metadata.h"
#include "runtime/src/base/Checksum.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstdio>
#include <cstring>

using namespace fmc::artifact;
using fmc::test::readBytes;
using fmc::test::tempPath;
using fmc::test::writeBytes;
using ::testing::HasSubstr;

namespace {

constexpr uint32_t kFloat32 = 1;
constexpr uint32_t kInt64 = 7;

class ArtifactTest : public ::testing::Test {
protected:
  void SetUp() override {
    code.resize(100);
    for (size_t i = 0; i < code.size(); ++i)
      code[i] = uint8_t(i * 7 + 1);
    weight0 = {1.5f, -2.0f, 3.25f, 0.0f, 4.0f, -5.5f};
    weight1 = {10, -20, 30, -40, 50};

    contents.entrySymbol = "fmc_entry";
    contents.targetTriple = "x86_64-unknown-linux-gnu";
    contents.targetCpu = "znver2";
    contents.sourceName = "model.onnx";
    contents.inputs = {{"x", kFloat32, {2, 3}}, {"ids", kInt64, {1, 5}}};
    contents.outputs = {{"y", kFloat32, {2, 3}}};
    contents.weights = {
        {{"w0", kFloat32, {2, 3}}, weight0.data(), sizeof(float) * 6},
        {{"w1", kInt64, {5}}, weight1.data(), sizeof(int64_t) * 5}};
    contents.code = code.data();
    contents.codeSize = code.size();
  }

  /// Writes `contents` and returns the file's bytes.
  std::vector<uint8_t> writeAndRead() {
    std::string path = tempPath(".fmc");
    std::string error;
    EXPECT_TRUE(writeArtifact(path, contents, error)) << error;
    std::vector<uint8_t> bytes = readBytes(path);
    std::remove(path.c_str());
    return bytes;
  }

  /// Parses `bytes`, expecting failure, and returns the message.
  static std::string parseError(const std::vector<uint8_t> &bytes,
                                ReadError::Kind kind = ReadError::Invalid) {
    Artifact artifact;
    ReadError error;
    EXPECT_FALSE(parseArtifact(bytes.data(), bytes.size(), artifact, error));
    EXPECT_EQ(error.kind, kind) << error.message;
    return error.message;
  }

  std::vector<uint8_t> code;
  std::vector<float> weight0;
  std::vector<int64_t> weight1;
  ArtifactContents contents;
};

/// Offset of section table entry `index`.
uint64_t entryAt(uint32_t index) {
  return kHeaderSize + index * kSectionEntrySize;
}

/// Recomputes every section checksum and the table checksum, so that a test
/// can change a field and reach the check behind the checksums.
void refreshChecksums(std::vector<uint8_t> &bytes) {
  uint32_t count = readLE32(bytes.data() + kHeaderSectionCountOffset);
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t *entry = bytes.data() + entryAt(i);
    uint64_t offset = readLE64(entry + kSectionOffsetOffset);
    uint64_t size = readLE64(entry + kSectionSizeOffset);
    if (offset <= bytes.size() && size <= bytes.size() - offset)
      writeLE64(entry + kSectionChecksumOffset,
                fmc_checksum64(bytes.data() + offset, size));
  }
  writeLE64(
      bytes.data() + kHeaderTableChecksumOffset,
      fmc_checksum64(bytes.data() + kHeaderSize, count * kSectionEntrySize));
}

//===----------------------------------------------------------------------===//
// Writer -> reader round trip
//===----------------------------------------------------------------------===//

TEST_F(ArtifactTest, RoundTrip) {
  std::string path = tempPath(".fmc");
  std::string error;
  ASSERT_TRUE(writeArtifact(path, contents, error)) << error;
  ReadError readError;
  std::unique_ptr<ArtifactFile> file = ArtifactFile::open(path, readError);
  ASSERT_TRUE(file) << readError.message;
  const Artifact &a = file->artifact();

  EXPECT_EQ(a.header.version, kFormatVersion);
  EXPECT_EQ(a.header.fileSize, file->fileSize());
  ASSERT_EQ(a.sections.size(), 3u);
  for (const SectionEntry &section : a.sections)
    EXPECT_EQ(section.offset % kSectionAlignment, 0u);
  const SectionEntry *weights = a.findSection(SectionKind::Weights);
  ASSERT_TRUE(weights);
  EXPECT_EQ(weights->offset % kWeightsSectionAlignment, 0u);

  const Metadata &m = a.meta;
  EXPECT_EQ(m.entrySymbol, "fmc_entry");
  EXPECT_EQ(m.targetTriple, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(m.targetCpu, "znver2");
  EXPECT_EQ(m.sourceName, "model.onnx");
  ASSERT_EQ(m.inputs.size(), 2u);
  EXPECT_EQ(m.inputs[1].name, "ids");
  EXPECT_EQ(m.inputs[1].dtype, kInt64);
  EXPECT_EQ(m.inputs[1].shape, (std::vector<int64_t>{1, 5}));
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].name, "y");
  ASSERT_EQ(m.weights.size(), 2u);
  EXPECT_EQ(m.weights[0].offset, 0u);
  EXPECT_EQ(m.weights[0].nbytes, 24u);
  EXPECT_EQ(m.weights[1].offset, 64u); // 24 rounded up to 64
  EXPECT_EQ(m.weights[1].nbytes, 40u);
  EXPECT_EQ(m.weights[1].desc.shape, (std::vector<int64_t>{5}));

  ASSERT_EQ(a.codeSize, code.size());
  EXPECT_EQ(std::memcmp(a.code, code.data(), code.size()), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.weights) % kWeightsSectionAlignment,
            0u);
  EXPECT_EQ(std::memcmp(a.weights + m.weights[0].offset, weight0.data(), 24),
            0);
  EXPECT_EQ(std::memcmp(a.weights + m.weights[1].offset, weight1.data(), 40),
            0);
  file.reset();
  std::remove(path.c_str());
}

TEST_F(ArtifactTest, NoWeightsMeansNoWeightsSection) {
  contents.weights.clear();
  std::vector<uint8_t> bytes = writeAndRead();
  Artifact a;
  ReadError error;
  ASSERT_TRUE(parseArtifact(bytes.data(), bytes.size(), a, error))
      << error.message;
  EXPECT_EQ(a.sections.size(), 2u);
  EXPECT_FALSE(a.findSection(SectionKind::Weights));
  EXPECT_EQ(a.weights, nullptr);
}

TEST_F(ArtifactTest, ZeroSizedTensors) {
  contents.inputs = {{"empty", kFloat32, {0, 4}}, {"scalar", kInt64, {}}};
  contents.weights = {{{"none", kFloat32, {3, 0}}, nullptr, 0},
                      {{"w1", kInt64, {5}}, weight1.data(), 40}};
  std::vector<uint8_t> bytes = writeAndRead();
  Artifact a;
  ReadError error;
  ASSERT_TRUE(parseArtifact(bytes.data(), bytes.size(), a, error))
      << error.message;
  EXPECT_EQ(a.meta.inputs[1].shape.size(), 0u);
  EXPECT_EQ(a.meta.weights[0].nbytes, 0u);
  EXPECT_EQ(a.meta.weights[1].offset, 0u);
}

//===----------------------------------------------------------------------===//
// Writer rejections
//===----------------------------------------------------------------------===//

TEST_F(ArtifactTest, WriterRejectsBadContents) {
  std::string path = tempPath(".fmc");
  std::string error;

  ArtifactContents c = contents;
  c.codeSize = 0;
  EXPECT_FALSE(writeArtifact(path, c, error));
  EXPECT_THAT(error, HasSubstr("CODE section is empty"));

  c = contents;
  c.weights[0].nbytes = 20;
  EXPECT_FALSE(writeArtifact(path, c, error));
  EXPECT_THAT(error, HasSubstr("weight 0 ('w0') has 20 bytes, but float32 "
                               "[2x3] needs 24"));

  c = contents;
  c.inputs[1].name = "x";
  EXPECT_FALSE(writeArtifact(path, c, error));
  EXPECT_THAT(error, HasSubstr("duplicate input name 'x'"));

  c = contents;
  c.outputs[0].shape = {2, -3};
  EXPECT_FALSE(writeArtifact(path, c, error));
  EXPECT_THAT(error, HasSubstr("negative dim"));

  c = contents;
  c.inputs[0].dtype = 99;
  EXPECT_FALSE(writeArtifact(path, c, error));
  EXPECT_THAT(error, HasSubstr("unknown dtype 99"));

  c = contents;
  c.entrySymbol.clear();
  EXPECT_FALSE(writeArtifact(path, c, error));
  EXPECT_THAT(error, HasSubstr("entry symbol is empty"));

  EXPECT_EQ(readBytes(path).size(), 0u) << "a failed write left a file";
}

TEST_F(ArtifactTest, WriterReportsIoErrorsWithThePath) {
  std::string path = tempPath("-missing-dir/model.fmc");
  std::string error;
  EXPECT_FALSE(writeArtifact(path, contents, error));
  EXPECT_THAT(error, HasSubstr(path));
  EXPECT_THAT(error, HasSubstr("No such file or directory"));
}

//===----------------------------------------------------------------------===//
// Reader rejections
//===----------------------------------------------------------------------===//

TEST_F(ArtifactTest, RejectsNonArtifacts) {
  EXPECT_THAT(parseError({}), HasSubstr("not an fmc artifact"));
  std::string text = "#!/bin/sh\necho this is not a model\n";
  EXPECT_THAT(parseError(std::vector<uint8_t>(text.begin(), text.end())),
              HasSubstr("not an fmc artifact"));
  std::vector<uint8_t> bytes = writeAndRead();
  bytes[3] ^= 0x20; // FMCmODEL
  EXPECT_THAT(parseError(bytes), HasSubstr("not an fmc artifact"));
}

TEST_F(ArtifactTest, RejectsTruncatedFiles) {
  std::vector<uint8_t> full = writeAndRead();
  uint64_t codeOffset =
      readLE64(full.data() + entryAt(1) + kSectionOffsetOffset);
  // Inside the magic, the header, the table, META, CODE, WEIGHTS, the end.
  for (uint64_t size :
       {uint64_t(5), uint64_t(40), uint64_t(64), uint64_t(100), uint64_t(200),
        codeOffset + 10, uint64_t(4096 + 10), uint64_t(full.size() - 1)}) {
    ASSERT_LT(size, full.size());
    std::vector<uint8_t> bytes(full.begin(), full.begin() + size);
    std::string message = parseError(bytes);
    if (size < 8)
      EXPECT_THAT(message, HasSubstr("not an fmc artifact"));
    else if (size < kHeaderSize)
      EXPECT_THAT(message, HasSubstr("truncated"));
    else
      EXPECT_THAT(message, HasSubstr("the file has " + std::to_string(size) +
                                     " bytes but its header says " +
                                     std::to_string(full.size())));
  }
}

TEST_F(ArtifactTest, RejectsExtraBytes) {
  std::vector<uint8_t> bytes = writeAndRead();
  bytes.push_back(0);
  EXPECT_THAT(parseError(bytes), HasSubstr("header says"));
}

TEST_F(ArtifactTest, RejectsOtherVersions) {
  std::vector<uint8_t> bytes = writeAndRead();
  writeLE32(bytes.data() + kHeaderVersionOffset, 2);
  EXPECT_EQ(parseError(bytes, ReadError::Unsupported),
            "unsupported artifact format version 2 (this runtime reads 1)");
}

TEST_F(ArtifactTest, RejectsNonZeroReservedBytes) {
  std::vector<uint8_t> bytes = writeAndRead();
  bytes[kHeaderReservedOffset + 5] = 1;
  EXPECT_THAT(parseError(bytes), HasSubstr("reserved header bytes"));
}

TEST_F(ArtifactTest, FlippedByteInEachSectionFailsItsChecksum) {
  std::vector<uint8_t> full = writeAndRead();
  // The table itself.
  std::vector<uint8_t> bytes = full;
  bytes[entryAt(1) + kSectionSizeOffset] ^= 1;
  EXPECT_THAT(parseError(bytes),
              HasSubstr("checksum mismatch in the section table"));
  // The first, middle and last byte of every section.
  for (uint32_t i = 0; i < 3; ++i) {
    uint32_t kind = readLE32(full.data() + entryAt(i) + kSectionKindOffset);
    uint64_t offset = readLE64(full.data() + entryAt(i) + kSectionOffsetOffset);
    uint64_t size = readLE64(full.data() + entryAt(i) + kSectionSizeOffset);
    for (uint64_t at : {offset, offset + size / 2, offset + size - 1}) {
      bytes = full;
      bytes[at] ^= 0x40;
      EXPECT_THAT(parseError(bytes),
                  HasSubstr(std::string("checksum mismatch in the ") +
                            sectionKindName(kind) + " section"))
          << "byte " << at;
    }
  }
}

TEST_F(ArtifactTest, RejectsBadSectionTables) {
  std::vector<uint8_t> full = writeAndRead();
  auto withEntryField = [&](uint32_t index, uint64_t field, uint64_t value,
                            bool wide) {
    std::vector<uint8_t> bytes = full;
    uint8_t *p = bytes.data() + entryAt(index) + field;
    if (wide)
      writeLE64(p, value);
    else
      writeLE32(p, uint32_t(value));
    refreshChecksums(bytes);
    return parseError(bytes);
  };

  EXPECT_THAT(withEntryField(1, kSectionSizeOffset, 1ull << 40, true),
              HasSubstr("CODE section [" +
                        std::to_string(readLE64(full.data() + entryAt(1) +
                                                kSectionOffsetOffset)) +
                        ", +1099511627776) lies outside the file"));
  EXPECT_THAT(withEntryField(1, kSectionOffsetOffset, ~0ull - 8, true),
              HasSubstr("lies outside the file"));
  EXPECT_THAT(withEntryField(0, kSectionOffsetOffset, 64, true),
              HasSubstr("META section at offset 64 overlaps the header or "
                        "the section table"));
  EXPECT_THAT(withEntryField(0, kSectionOffsetOffset, 0, true),
              HasSubstr("overlaps the header"));
  EXPECT_THAT(withEntryField(0, kSectionOffsetOffset, 160 + 8, true),
              HasSubstr("META section offset 168 is not 64-byte aligned"));
  EXPECT_THAT(withEntryField(2, kSectionOffsetOffset, 4096 - 128, true),
              HasSubstr("WEIGHTS section offset 3968 is not 4096-byte "
                        "aligned"));
  uint64_t metaOffset =
      readLE64(full.data() + entryAt(0) + kSectionOffsetOffset);
  EXPECT_THAT(withEntryField(1, kSectionOffsetOffset, metaOffset, true),
              HasSubstr("the META section and the CODE section overlap"));
  EXPECT_THAT(withEntryField(1, kSectionKindOffset, 1, false),
              HasSubstr("more than one META section"));
  EXPECT_THAT(withEntryField(2, kSectionKindOffset, 9, false),
              HasSubstr("section 2 has unknown kind 9"));
  EXPECT_THAT(withEntryField(0, kSectionFlagsOffset, 4, false),
              HasSubstr("META section has unknown flags"));

  for (uint32_t count : {0u, 4u, 0xFFFFFFFFu}) {
    std::vector<uint8_t> bytes = full;
    writeLE32(bytes.data() + kHeaderSectionCountOffset, count);
    EXPECT_THAT(parseError(bytes), HasSubstr("bad section count"));
  }
}

TEST_F(ArtifactTest, RejectsMissingSections) {
  // Keep only META and WEIGHTS: the CODE entry is replaced by WEIGHTS'.
  std::vector<uint8_t> bytes = writeAndRead();
  std::memcpy(bytes.data() + entryAt(1), bytes.data() + entryAt(2),
              kSectionEntrySize);
  writeLE32(bytes.data() + kHeaderSectionCountOffset, 2);
  refreshChecksums(bytes);
  EXPECT_THAT(parseError(bytes), HasSubstr("no CODE section"));

  // Drop WEIGHTS although META lists weights.
  bytes = writeAndRead();
  writeLE32(bytes.data() + kHeaderSectionCountOffset, 2);
  refreshChecksums(bytes);
  EXPECT_THAT(parseError(bytes),
              HasSubstr("META lists 2 weights but the artifact has no WEIGHTS "
                        "section"));
}

TEST_F(ArtifactTest, RejectsBadMetaThroughTheReader) {
  std::vector<uint8_t> full = writeAndRead();
  uint64_t meta = readLE64(full.data() + entryAt(0) + kSectionOffsetOffset);
  auto withMetaWord = [&](uint64_t at, uint32_t value) {
    std::vector<uint8_t> bytes = full;
    writeLE32(bytes.data() + meta + at, value);
    refreshChecksums(bytes);
    return bytes;
  };
  // META: u32 version, then the entry symbol's u32 length at offset 4.
  EXPECT_THAT(parseError(withMetaWord(4, 0xFFFFFFFF)),
              HasSubstr("META: entry symbol at offset 4 has length "
                        "4294967295, but only"));
  EXPECT_EQ(parseError(withMetaWord(0, 7), ReadError::Unsupported),
            "META: unsupported META version 7 (this runtime reads 1 and 2)");
  // The input count follows the four strings.
  uint64_t inputCount = 4 + (4 + 9) + (4 + 24) + (4 + 6) + (4 + 10);
  ASSERT_EQ(readLE32(full.data() + meta + inputCount), 2u);
  EXPECT_THAT(parseError(withMetaWord(inputCount, 0xFFFFFFFF)),
              HasSubstr("META: input count 4294967295 cannot fit"));
  // The first input's dtype: after its name "x".
  EXPECT_THAT(parseError(withMetaWord(inputCount + 4 + 4 + 1, 1234)),
              HasSubstr("META: input 0 'x': unknown dtype 1234"));
}

TEST_F(ArtifactTest, RandomCorruptionNeverCrashes) {
  // Seeded mutations of the header, the table and META, with the checksums
  // refreshed afterwards so that every check behind them is reached. Each
  // mutated file must parse or be rejected; none may crash (run this under
  // ASan to check the bounds as well).
  std::vector<uint8_t> full = writeAndRead();
  uint64_t meta = readLE64(full.data() + entryAt(0) + kSectionOffsetOffset);
  uint64_t metaSize = readLE64(full.data() + entryAt(0) + kSectionSizeOffset);
  uint64_t state = 0x2545F4914F6CDD1Dull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int rejected = 0;
  for (int iteration = 0; iteration < 5000; ++iteration) {
    std::vector<uint8_t> bytes = full;
    for (int edits = 1 + int(next() % 4); edits > 0; --edits) {
      uint64_t at = next() % 2 ? kHeaderSize + next() % (3 * kSectionEntrySize)
                               : meta + next() % metaSize;
      bytes[at] = next() % 3 ? uint8_t(next()) : 0xFF;
    }
    refreshChecksums(bytes);
    Artifact artifact;
    ReadError error;
    if (!parseArtifact(bytes.data(), bytes.size(), artifact, error)) {
      EXPECT_FALSE(error.message.empty());
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 4000);
}

//===----------------------------------------------------------------------===//
// META decoding and checking
//===----------------------------------------------------------------------===//

class MetadataTest : public ::testing::Test {
protected:
  void SetUp() override {
    meta.entrySymbol = "fmc_entry";
    meta.inputs = {{"x", kFloat32, {2, 3}}};
    meta.outputs = {{"y", kFloat32, {2, 3}}};
    meta.weights = {{{"w", kFloat32, {4}}, 0, 16},
                    {{"v", kInt64, {2}}, 64, 16}};
  }

  std::string decodeError(const std::vector<uint8_t> &bytes) {
    Metadata decoded;
    std::string error;
    bool unsupported;
    EXPECT_FALSE(decodeMetadata(bytes.data(), bytes.size(), decoded, error,
                                unsupported));
    return error;
  }

  std::string verifyError(uint64_t weightsSize = 80) {
    std::string error;
    EXPECT_FALSE(verifyMetadata(meta, weightsSize, error));
    return error;
  }

  Metadata meta;
};

TEST_F(MetadataTest, RoundTrip) {
  std::vector<uint8_t> bytes;
  encodeMetadata(meta, bytes);
  Metadata decoded;
  std::string error;
  bool unsupported;
  ASSERT_TRUE(
      decodeMetadata(bytes.data(), bytes.size(), decoded, error, unsupported))
      << error;
  EXPECT_EQ(decoded.weights[1].desc.name, "v");
  EXPECT_EQ(decoded.weights[1].offset, 64u);
  EXPECT_TRUE(verifyMetadata(decoded, 80, error)) << error;
}

TEST_F(MetadataTest, DeviceAndArenaNeedVersionTwo) {
  // Plain CPU metadata stays version 1; a device or an arena writes
  // version 2, which adds the device string and the arena size after the
  // target CPU.
  std::vector<uint8_t> cpu;
  encodeMetadata(meta, cpu);
  EXPECT_EQ(readLE32(cpu.data()), kMetaVersion);
  meta.device = "sm_80";
  meta.arenaBytes = 1 << 20;
  std::vector<uint8_t> gpu;
  encodeMetadata(meta, gpu);
  EXPECT_EQ(readLE32(gpu.data()), kMetaVersionDevice);
  EXPECT_EQ(gpu.size(), cpu.size() + 4 + 5 + 8);
  Metadata decoded;
  std::string error;
  bool unsupported;
  ASSERT_TRUE(
      decodeMetadata(gpu.data(), gpu.size(), decoded, error, unsupported))
      << error;
  EXPECT_EQ(decoded.device, "sm_80");
  EXPECT_EQ(decoded.arenaBytes, 1u << 20);
  EXPECT_EQ(decoded.sourceName, meta.sourceName);
  // An arena without a device: version 2 with an empty device string.
  meta.device.clear();
  std::vector<uint8_t> arenaOnly;
  encodeMetadata(meta, arenaOnly);
  EXPECT_EQ(readLE32(arenaOnly.data()), kMetaVersionDevice);
  ASSERT_TRUE(decodeMetadata(arenaOnly.data(), arenaOnly.size(), decoded, error,
                             unsupported))
      << error;
  EXPECT_EQ(decoded.device, "");
  EXPECT_EQ(decoded.arenaBytes, 1u << 20);
  // Every truncation of version 2 is an error.
  for (size_t size = 0; size < gpu.size(); ++size) {
    std::vector<uint8_t> prefix(gpu.begin(), gpu.begin() + size);
    EXPECT_FALSE(decodeError(prefix).empty()) << "size " << size;
  }
}

TEST_F(MetadataTest, RejectsEveryTruncation) {
  std::vector<uint8_t> bytes;
  encodeMetadata(meta, bytes);
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + size);
    EXPECT_FALSE(decodeError(prefix).empty()) << "size " << size;
  }
  bytes.push_back(0);
  EXPECT_EQ(decodeError(bytes), "1 unexpected bytes after the weight list");
}

TEST_F(MetadataTest, RejectsAbsurdRank) {
  meta.inputs[0].shape = {1};
  std::vector<uint8_t> bytes;
  encodeMetadata(meta, bytes);
  // The rank of input "x": version, 4 empty-ish strings, count, name, dtype.
  uint64_t rankAt = 4 + (4 + 9) + 4 * 3 + 4 + (4 + 1) + 4;
  ASSERT_EQ(readLE32(bytes.data() + rankAt), 1u);
  writeLE32(bytes.data() + rankAt, 0x40000000);
  EXPECT_THAT(decodeError(bytes),
              HasSubstr("input 'x' has rank 1073741824, but only"));
}

TEST_F(MetadataTest, RejectsBadWeights) {
  meta.weights[1].offset = 32;
  EXPECT_THAT(verifyError(), HasSubstr("weight 1 ('v') offset 32 is not "
                                       "64-byte aligned"));
  SetUp();
  EXPECT_THAT(verifyError(70), HasSubstr("weight 1 ('v') [64, +16) lies "
                                         "outside the WEIGHTS section (70 "
                                         "bytes)"));
  SetUp();
  meta.weights[1].offset = ~0ull - 63;
  EXPECT_THAT(verifyError(), HasSubstr("lies outside the WEIGHTS section"));
  SetUp();
  meta.weights[0].nbytes = 12;
  EXPECT_THAT(verifyError(), HasSubstr("weight 0 ('w') has 12 bytes, but "
                                       "float32 [4] needs 16"));
  SetUp();
  meta.weights[0].desc.shape = {int64_t(1) << 62, 4};
  EXPECT_THAT(verifyError(), HasSubstr("is too large"));
}

TEST_F(MetadataTest, RejectsBadNames) {
  meta.inputs.push_back({"x", kFloat32, {}});
  EXPECT_THAT(verifyError(), HasSubstr("duplicate input name 'x'"));
  SetUp();
  meta.outputs[0].name = "";
  EXPECT_THAT(verifyError(), HasSubstr("output 0 has an empty name"));
  SetUp();
  meta.inputs[0].name = std::string("a\0b", 3);
  EXPECT_THAT(verifyError(), HasSubstr("contains a NUL byte"));
}

} // namespace
