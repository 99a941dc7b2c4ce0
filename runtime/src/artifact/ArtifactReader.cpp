//===- ArtifactReader.cpp - Reading and validating .fmc artifacts ---------===//

#include "runtime/src/artifact/ArtifactReader.h"

#include "runtime/src/artifact/ByteIO.h"
#include "runtime/src/artifact/Metadata.h"
#include "runtime/src/base/Checksum.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fmc::artifact {

namespace {

std::string hex64(uint64_t value) {
  char buffer[19];
  std::snprintf(buffer, sizeof(buffer), "0x%016" PRIx64, value);
  return buffer;
}

bool fail(ReadError &error, std::string message,
          ReadError::Kind kind = ReadError::Invalid) {
  error.kind = kind;
  error.message = std::move(message);
  return false;
}

std::string sectionName(const SectionEntry &entry) {
  return std::string(sectionKindName(entry.kind)) + " section";
}

/// Checks one table entry against the file bounds and the alignment rules.
bool checkSectionPlacement(const SectionEntry &entry, uint64_t tableEnd,
                           uint64_t fileSize, ReadError &error) {
  std::string name = sectionName(entry);
  if (entry.flags != 0)
    return fail(error, name + " has unknown flags " + hex64(entry.flags));
  if (entry.offset > fileSize || fileSize - entry.offset < entry.size)
    return fail(error, name + " [" + std::to_string(entry.offset) + ", +" +
                           std::to_string(entry.size) +
                           ") lies outside the file (" +
                           std::to_string(fileSize) + " bytes)");
  if (entry.offset < tableEnd)
    return fail(error, name + " at offset " + std::to_string(entry.offset) +
                           " overlaps the header or the section table");
  uint64_t alignment = entry.kind == uint32_t(SectionKind::Weights)
                           ? kWeightsSectionAlignment
                           : kSectionAlignment;
  if (entry.offset % alignment != 0)
    return fail(error, name + " offset " + std::to_string(entry.offset) +
                           " is not " + std::to_string(alignment) +
                           "-byte aligned");
  return true;
}

} // namespace

const SectionEntry *Artifact::findSection(SectionKind kind) const {
  for (const SectionEntry &entry : sections)
    if (entry.kind == uint32_t(kind))
      return &entry;
  return nullptr;
}

bool parseArtifact(const void *data, uint64_t size, Artifact &out,
                   ReadError &error) {
  const uint8_t *bytes = static_cast<const uint8_t *>(data);
  out = Artifact();

  // Header.
  if (size < sizeof(kMagic) ||
      std::memcmp(bytes + kHeaderMagicOffset, kMagic, sizeof(kMagic)) != 0)
    return fail(error, "not an fmc artifact (the file does not start with "
                       "'FMCMODEL')");
  if (size < kHeaderSize)
    return fail(error, "truncated: the file has " + std::to_string(size) +
                           " bytes, less than the " +
                           std::to_string(kHeaderSize) + "-byte header");
  FileHeader &header = out.header;
  header.version = readLE32(bytes + kHeaderVersionOffset);
  header.sectionCount = readLE32(bytes + kHeaderSectionCountOffset);
  header.fileSize = readLE64(bytes + kHeaderFileSizeOffset);
  header.tableChecksum = readLE64(bytes + kHeaderTableChecksumOffset);
  if (header.version != kFormatVersion)
    return fail(error,
                "unsupported artifact format version " +
                    std::to_string(header.version) + " (this runtime reads " +
                    std::to_string(kFormatVersion) + ")",
                ReadError::Unsupported);
  if (header.fileSize != size)
    return fail(error, "the file has " + std::to_string(size) +
                           " bytes but its header says " +
                           std::to_string(header.fileSize) +
                           " (truncated or damaged file)");
  for (uint64_t i = 0; i < kHeaderReservedSize; ++i)
    if (bytes[kHeaderReservedOffset + i] != 0)
      return fail(error, "the reserved header bytes are not zero");

  // Section table.
  constexpr uint32_t kMaxSections = 3; // META, CODE, WEIGHTS, each once
  if (header.sectionCount == 0 || header.sectionCount > kMaxSections)
    return fail(error, "bad section count " +
                           std::to_string(header.sectionCount) +
                           " (a version 1 artifact has 2 or 3 sections)");
  uint64_t tableSize = uint64_t(header.sectionCount) * kSectionEntrySize;
  uint64_t tableEnd = kHeaderSize + tableSize;
  if (tableEnd > size)
    return fail(error, "the section table extends past the end of the file");
  uint64_t tableChecksum = fmc_checksum64(bytes + kHeaderSize, tableSize);
  if (tableChecksum != header.tableChecksum)
    return fail(error, "checksum mismatch in the section table (stored " +
                           hex64(header.tableChecksum) + ", computed " +
                           hex64(tableChecksum) + "): the file is damaged");
  for (uint32_t i = 0; i < header.sectionCount; ++i) {
    const uint8_t *p = bytes + kHeaderSize + i * kSectionEntrySize;
    SectionEntry entry;
    entry.kind = readLE32(p + kSectionKindOffset);
    entry.flags = readLE32(p + kSectionFlagsOffset);
    entry.offset = readLE64(p + kSectionOffsetOffset);
    entry.size = readLE64(p + kSectionSizeOffset);
    entry.checksum = readLE64(p + kSectionChecksumOffset);
    if (!sectionKindName(entry.kind))
      return fail(error, "section " + std::to_string(i) + " has unknown kind " +
                             std::to_string(entry.kind));
    if (out.findSection(SectionKind(entry.kind)))
      return fail(error, "more than one " + sectionName(entry));
    if (!checkSectionPlacement(entry, tableEnd, size, error))
      return false;
    out.sections.push_back(entry);
  }
  std::vector<SectionEntry> byOffset = out.sections;
  std::sort(byOffset.begin(), byOffset.end(),
            [](const SectionEntry &a, const SectionEntry &b) {
              return a.offset != b.offset ? a.offset < b.offset
                                          : a.kind < b.kind;
            });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i - 1].offset + byOffset[i - 1].size > byOffset[i].offset)
      return fail(error, "the " + sectionName(byOffset[i - 1]) + " and the " +
                             sectionName(byOffset[i]) + " overlap");
  const SectionEntry *meta = out.findSection(SectionKind::Meta);
  const SectionEntry *code = out.findSection(SectionKind::Code);
  const SectionEntry *weights = out.findSection(SectionKind::Weights);
  if (!meta)
    return fail(error, "the artifact has no META section");
  if (!code)
    return fail(error, "the artifact has no CODE section");

  for (const SectionEntry &entry : out.sections) {
    uint64_t checksum = fmc_checksum64(bytes + entry.offset, entry.size);
    if (checksum != entry.checksum)
      return fail(error, "checksum mismatch in the " + sectionName(entry) +
                             " (stored " + hex64(entry.checksum) +
                             ", computed " + hex64(checksum) +
                             "): the file is damaged");
  }

  // Section contents.
  std::string reason;
  bool unsupported = false;
  if (!decodeMetadata(bytes + meta->offset, meta->size, out.meta, reason,
                      unsupported))
    return fail(error, "META: " + reason,
                unsupported ? ReadError::Unsupported : ReadError::Invalid);
  if (!out.meta.weights.empty() && !weights)
    return fail(error, "META lists " + std::to_string(out.meta.weights.size()) +
                           " weights but the artifact has no WEIGHTS section");
  if (!verifyMetadata(out.meta, weights ? weights->size : 0, reason))
    return fail(error, "META: " + reason);
  if (code->size == 0)
    return fail(error, "the CODE section is empty");
  out.code = bytes + code->offset;
  out.codeSize = code->size;
  if (weights) {
    out.weights = bytes + weights->offset;
    out.weightsSize = weights->size;
  }
  return true;
}

std::unique_ptr<MappedFile> MappedFile::open(const std::string &path,
                                             ReadError &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    fail(error, std::string("cannot open: ") + std::strerror(err),
         err == ENOENT ? ReadError::NotFound : ReadError::Io);
    return nullptr;
  }
  std::unique_ptr<MappedFile> file(new MappedFile());
  struct stat info;
  bool ok = false;
  if (::fstat(fd, &info) != 0) {
    fail(error, std::string("cannot stat: ") + std::strerror(errno),
         ReadError::Io);
  } else if (!S_ISREG(info.st_mode)) {
    fail(error, "not a regular file", ReadError::Io);
  } else if (info.st_size == 0) {
    ok = true; // An empty file cannot be mapped; it has no bytes to read.
  } else {
    void *mapping =
        ::mmap(nullptr, size_t(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      fail(error, std::string("cannot map: ") + std::strerror(errno),
           ReadError::Io);
    } else {
      file->bytes = static_cast<const uint8_t *>(mapping);
      file->length = uint64_t(info.st_size);
      ok = true;
    }
  }
  ::close(fd);
  if (!ok)
    return nullptr;
  return file;
}

MappedFile::~MappedFile() {
  if (bytes)
    ::munmap(const_cast<uint8_t *>(bytes), size_t(length));
}

std::unique_ptr<ArtifactFile> ArtifactFile::open(const std::string &path,
                                                 ReadError &error) {
  std::unique_ptr<ArtifactFile> result(new ArtifactFile());
  result->file = MappedFile::open(path, error);
  if (!result->file ||
      !parseArtifact(result->file->data(), result->file->size(), result->parsed,
                     error)) {
    error.message = path + ": " + error.message;
    return nullptr;
  }
  return result;
}

} // namespace fmc::artifact
