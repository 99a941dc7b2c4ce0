//===- ArtifactReader.h - Reading and validating .fmc artifacts -*- C++ -*-===//
//
// Maps an artifact and checks everything docs/ARTIFACT.md requires before any
// of it is used: a malformed, truncated or corrupted file gives an error
// message, never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_ARTIFACT_ARTIFACTREADER_H
#define FMC_RUNTIME_ARTIFACT_ARTIFACTREADER_H

#include "runtime/src/artifact/Format.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fmc::artifact {

/// Why reading failed.
struct ReadError {
  enum Kind {
    NotFound,    ///< The file does not exist.
    Io,          ///< The file could not be opened, read or mapped.
    Invalid,     ///< The bytes are not a valid artifact.
    Unsupported, ///< A valid-looking artifact of a version this code lacks.
  };
  Kind kind = Invalid;
  std::string message;
};

/// A parsed artifact. The pointers point into the bytes that were parsed.
struct Artifact {
  FileHeader header;
  std::vector<SectionEntry> sections; ///< In file table order.
  Metadata meta;
  const uint8_t *code = nullptr;
  uint64_t codeSize = 0;
  const uint8_t *weights = nullptr; ///< nullptr without a WEIGHTS section.
  uint64_t weightsSize = 0;

  const SectionEntry *findSection(SectionKind kind) const;
};

/// Parses and validates `size` bytes at `data`.
bool parseArtifact(const void *data, uint64_t size, Artifact &out,
                   ReadError &error);

/// A read-only private mapping of a whole file.
class MappedFile {
public:
  /// Maps `path`; on failure returns nullptr and sets `error` (the message
  /// does not repeat the path).
  static std::unique_ptr<MappedFile> open(const std::string &path,
                                          ReadError &error);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  const uint8_t *data() const { return bytes; }
  uint64_t size() const { return length; }

private:
  MappedFile() = default;
  const uint8_t *bytes = nullptr;
  uint64_t length = 0;
};

/// A mapped and parsed artifact file.
class ArtifactFile {
public:
  /// Maps and parses `path`. Error messages start with the path.
  static std::unique_ptr<ArtifactFile> open(const std::string &path,
                                            ReadError &error);

  const Artifact &artifact() const { return parsed; }
  uint64_t fileSize() const { return file->size(); }

private:
  ArtifactFile() = default;
  std::unique_ptr<MappedFile> file;
  Artifact parsed;
};

} // namespace fmc::artifact

#endif // FMC_RUNTIME_ARTIFACT_ARTIFACTREADER_H
