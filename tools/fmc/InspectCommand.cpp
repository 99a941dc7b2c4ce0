//===- InspectCommand.cpp - fmc inspect -----------------------------------===//
//
//   fmc inspect model.fmc
//
// Prints what an artifact holds. It reads the file with the runtime's
// validating reader but does not load the code, so it also works on
// artifacts compiled for another machine.
//
//===----------------------------------------------------------------------===//

#include "runtime/src/artifact/ArtifactReader.h"
#include "runtime/src/base/Dtype.h"
#include "tools/fmc/Commands.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;
using namespace fmc::artifact;

namespace fmc::tool {

cl::SubCommand &getInspectSubCommand() {
  static cl::SubCommand sub("inspect",
                            "Print the target, inputs, outputs, weights and "
                            "sections of a compiled model (.fmc)");
  return sub;
}

namespace {

cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.fmc>"),
                               cl::sub(getInspectSubCommand()));

void printTensor(llvm::raw_ostream &os, const TensorDesc &desc) {
  os << "  " << desc.name << ": " << dtypeToString(desc.dtype) << " "
     << formatShape(desc.shape) << "\n";
}

} // namespace

int runInspectCommand() {
  ReadError error;
  std::unique_ptr<ArtifactFile> file = ArtifactFile::open(modelPath, error);
  if (!file) {
    llvm::errs() << "fmc inspect: error: " << error.message << "\n";
    return 1;
  }
  const Artifact &artifact = file->artifact();
  const Metadata &meta = artifact.meta;
  llvm::raw_ostream &os = llvm::outs();
  os << modelPath << ": fmc artifact, format version "
     << artifact.header.version << "\n";
  os << "target: " << meta.targetTriple;
  if (!meta.targetCpu.empty())
    os << " (cpu " << meta.targetCpu << ")";
  if (!meta.device.empty())
    os << ", kernels for " << meta.device;
  os << "\narena: " << meta.arenaBytes
     << " bytes (intermediate buffers, allocated once per session)";
  os << "\n";
  os << "entry: " << meta.entrySymbol << "\n";
  if (!meta.sourceName.empty())
    os << "source: " << meta.sourceName << "\n";
  os << "inputs (" << meta.inputs.size() << "):\n";
  for (const TensorDesc &desc : meta.inputs)
    printTensor(os, desc);
  os << "outputs (" << meta.outputs.size() << "):\n";
  for (const TensorDesc &desc : meta.outputs)
    printTensor(os, desc);
  uint64_t weightBytes = 0;
  for (const WeightEntry &weight : meta.weights)
    weightBytes += weight.nbytes;
  os << "weights: " << meta.weights.size() << " (" << weightBytes
     << " bytes)\n";
  os << "sections:\n";
  for (const SectionEntry &section : artifact.sections)
    os << llvm::format(
        "  %-8s offset %10llu  size %12llu  checksum "
        "0x%016llx\n",
        sectionKindName(section.kind), (unsigned long long)section.offset,
        (unsigned long long)section.size, (unsigned long long)section.checksum);
  os << "file size: " << file->fileSize() << " bytes\n";
  return 0;
}

} // namespace fmc::tool
