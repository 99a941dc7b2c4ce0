//===- ArtifactWriter.cpp - Writing .fmc artifacts ------------------------===//

#include "runtime/src/artifact/ArtifactWriter.h"

#include "runtime/src/artifact/ByteIO.h"
#include "runtime/src/artifact/Metadata.h"
#include "runtime/src/base/Checksum.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace fmc::artifact {

namespace {

/// Writes to a file descriptor, remembering the first error.
class FileSink {
public:
  explicit FileSink(int fd) : fd(fd) {}

  void write(const void *data, uint64_t size) {
    const char *p = static_cast<const char *>(data);
    while (size != 0 && err == 0) {
      ssize_t n = ::write(fd, p, size < (1u << 30) ? size : (1u << 30));
      if (n < 0) {
        if (errno != EINTR)
          err = errno;
        continue;
      }
      p += n;
      size -= uint64_t(n);
      written += uint64_t(n);
    }
  }

  /// Writes zeros up to `offset`.
  void padTo(uint64_t offset) {
    static const char zeros[kWeightsSectionAlignment] = {};
    while (written < offset && err == 0) {
      uint64_t n = offset - written;
      write(zeros, n < sizeof(zeros) ? n : sizeof(zeros));
    }
  }

  uint64_t offset() const { return written; }
  int error() const { return err; }

private:
  int fd;
  uint64_t written = 0;
  int err = 0;
};

void encodeSectionEntry(uint8_t *p, const SectionEntry &entry) {
  writeLE32(p + kSectionKindOffset, entry.kind);
  writeLE32(p + kSectionFlagsOffset, entry.flags);
  writeLE64(p + kSectionOffsetOffset, entry.offset);
  writeLE64(p + kSectionSizeOffset, entry.size);
  writeLE64(p + kSectionChecksumOffset, entry.checksum);
}

} // namespace

bool writeArtifact(const std::string &path, const ArtifactContents &contents,
                   std::string &error) {
  if (contents.code == nullptr || contents.codeSize == 0) {
    error = "cannot write '" + path + "': the CODE section is empty";
    return false;
  }

  // Metadata, with the weights placed at 64-byte aligned offsets.
  Metadata meta;
  meta.entrySymbol = contents.entrySymbol;
  meta.targetTriple = contents.targetTriple;
  meta.targetCpu = contents.targetCpu;
  meta.device = contents.device;
  meta.arenaBytes = contents.arenaBytes;
  meta.sourceName = contents.sourceName;
  meta.inputs = contents.inputs;
  meta.outputs = contents.outputs;
  uint64_t weightsSize = 0;
  for (size_t i = 0; i < contents.weights.size(); ++i) {
    const WeightData &w = contents.weights[i];
    if (w.data == nullptr && w.nbytes != 0) {
      error = "cannot write '" + path + "': weight " + std::to_string(i) +
              " ('" + w.desc.name + "') has no data";
      return false;
    }
    uint64_t offset = alignTo(weightsSize, kWeightAlignment);
    meta.weights.push_back({w.desc, offset, w.nbytes});
    weightsSize = offset + w.nbytes;
  }
  std::string reason;
  if (!verifyMetadata(meta, weightsSize, reason)) {
    error = "cannot write '" + path + "': " + reason;
    return false;
  }
  std::vector<uint8_t> metaBytes;
  encodeMetadata(meta, metaBytes);

  // Layout: header, section table, META, CODE, then WEIGHTS on a page.
  bool hasWeights = !contents.weights.empty();
  uint32_t sectionCount = hasWeights ? 3 : 2;
  std::vector<SectionEntry> sections(sectionCount);
  SectionEntry &metaSection = sections[0];
  metaSection.kind = uint32_t(SectionKind::Meta);
  metaSection.offset = alignTo(kHeaderSize + sectionCount * kSectionEntrySize,
                               kSectionAlignment);
  metaSection.size = metaBytes.size();
  metaSection.checksum = fmc_checksum64(metaBytes.data(), metaBytes.size());
  SectionEntry &codeSection = sections[1];
  codeSection.kind = uint32_t(SectionKind::Code);
  codeSection.offset =
      alignTo(metaSection.offset + metaSection.size, kSectionAlignment);
  codeSection.size = contents.codeSize;
  codeSection.checksum = fmc_checksum64(contents.code, contents.codeSize);
  uint64_t fileSize = codeSection.offset + codeSection.size;
  if (hasWeights) {
    SectionEntry &weightsSection = sections[2];
    weightsSection.kind = uint32_t(SectionKind::Weights);
    weightsSection.offset = alignTo(fileSize, kWeightsSectionAlignment);
    weightsSection.size = weightsSize;
    fmc_checksum64_state_t state;
    fmc_checksum64_init(&state, weightsSize);
    static const uint8_t zeros[kWeightAlignment] = {};
    uint64_t at = 0;
    for (size_t i = 0; i < contents.weights.size(); ++i) {
      fmc_checksum64_update(&state, zeros, meta.weights[i].offset - at);
      fmc_checksum64_update(&state, contents.weights[i].data,
                            contents.weights[i].nbytes);
      at = meta.weights[i].offset + meta.weights[i].nbytes;
    }
    weightsSection.checksum = fmc_checksum64_final(&state);
    fileSize = weightsSection.offset + weightsSection.size;
  }

  std::vector<uint8_t> table(sectionCount * kSectionEntrySize);
  for (uint32_t i = 0; i < sectionCount; ++i)
    encodeSectionEntry(table.data() + i * kSectionEntrySize, sections[i]);
  uint8_t header[kHeaderSize] = {};
  std::memcpy(header + kHeaderMagicOffset, kMagic, sizeof(kMagic));
  writeLE32(header + kHeaderVersionOffset, kFormatVersion);
  writeLE32(header + kHeaderSectionCountOffset, sectionCount);
  writeLE64(header + kHeaderFileSizeOffset, fileSize);
  writeLE64(header + kHeaderTableChecksumOffset,
            fmc_checksum64(table.data(), table.size()));

  // Write to a temporary file and rename it over `path`.
  std::string tempPath = path + ".tmp" + std::to_string(getpid());
  int fd =
      ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  FileSink sink(fd);
  sink.write(header, sizeof(header));
  sink.write(table.data(), table.size());
  sink.padTo(metaSection.offset);
  sink.write(metaBytes.data(), metaBytes.size());
  sink.padTo(codeSection.offset);
  sink.write(contents.code, contents.codeSize);
  if (hasWeights) {
    uint64_t base = sections[2].offset;
    for (size_t i = 0; i < contents.weights.size(); ++i) {
      sink.padTo(base + meta.weights[i].offset);
      sink.write(contents.weights[i].data, contents.weights[i].nbytes);
    }
  }
  int err = sink.error();
  if (::close(fd) != 0 && err == 0)
    err = errno;
  if (err == 0 && sink.offset() != fileSize) {
    ::unlink(tempPath.c_str());
    error = "cannot write '" + path + "': internal error: wrote " +
            std::to_string(sink.offset()) + " bytes instead of " +
            std::to_string(fileSize);
    return false;
  }
  if (err == 0 && std::rename(tempPath.c_str(), path.c_str()) != 0)
    err = errno;
  if (err != 0) {
    ::unlink(tempPath.c_str());
    error = "cannot write '" + path + "': " + std::strerror(err);
    return false;
  }
  return true;
}

} // namespace fmc::artifact
