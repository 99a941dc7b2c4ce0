//===- ArtifactWriter.h - Writing .fmc artifacts ----------------*- C++ -*-===//
//
// Lays out and writes an artifact as docs/ARTIFACT.md specifies. Plain C++
// (no LLVM), so that the compiler and the runtime tests share it.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_ARTIFACT_ARTIFACTWRITER_H
#define FMC_RUNTIME_ARTIFACT_ARTIFACTWRITER_H

#include "runtime/src/artifact/Format.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fmc::artifact {

/// A weight to store: its tensor and its bytes (borrowed, not copied).
struct WeightData {
  TensorDesc desc;
  const void *data = nullptr;
  uint64_t nbytes = 0;
};

/// Everything an artifact holds. The writer chooses all offsets.
struct ArtifactContents {
  std::string entrySymbol = "fmc_entry";
  std::string targetTriple;
  std::string targetCpu;
  /// The GPU the kernels run on (`sm_80` ...); empty for CPU code.
  std::string device;
  /// Bytes of the intermediate-buffer arena (fmc-plan-arena).
  uint64_t arenaBytes = 0;
  std::string sourceName;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  std::vector<WeightData> weights;
  /// The ELF shared object for the CODE section (borrowed, not copied).
  const void *code = nullptr;
  uint64_t codeSize = 0;
};

/// Writes `contents` to `path` (through a temporary file in the same folder
/// that is renamed over `path`, so a failed write leaves no partial file).
/// Returns false with a message naming the file or the offending tensor in
/// `error` if the contents break a rule of the format or the write fails.
bool writeArtifact(const std::string &path, const ArtifactContents &contents,
                   std::string &error);

} // namespace fmc::artifact

#endif // FMC_RUNTIME_ARTIFACT_ARTIFACTWRITER_H
