//===- ReportKernels.cpp - a remark per GPU kernel ------------------------===//
//
// For `fmc compile --report=kernels`: what each gpu.launch of the GPU
// mapping computes and how (its fmc.kernel description), its grid, block
// and shared memory, at the ONNX node it came from; then the counts per
// kind of kernel.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "llvm/ADT/MapVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_REPORTKERNELSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// A launch dimension as written: its value, or '?' where it is only known
/// at run time.
std::string dimension(Value v) {
  std::optional<int64_t> known = getConstantIntValue(v);
  return known ? std::to_string(*known) : "?";
}

/// The kind of kernel a description names: its text before the first
/// " (" or ",".
StringRef kindOf(StringRef description) {
  return description.take_front(
      std::min(description.find(" ("), description.find(',')));
}

struct ReportKernelsPass : fmc::impl::ReportKernelsPassBase<ReportKernelsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<gpu::LaunchOp> launches;
    func.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
    llvm::MapVector<StringRef, int64_t> kinds;
    for (auto [i, launch] : llvm::enumerate(launches)) {
      auto description = launch->getAttrOfType<StringAttr>(kKernelAttr);
      StringRef text = description ? description.getValue() : "(not described)";
      ++kinds[kindOf(text)];
      int64_t shared = 0;
      for (BlockArgument buffer : launch.getWorkgroupAttributions()) {
        auto type = cast<MemRefType>(buffer.getType());
        shared += type.getNumElements() * type.getElementTypeBitWidth() / 8;
      }
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      launch.emitRemark("kernel ")
          << i + 1 << " of " << launches.size() << ": " << text << "; grid "
          << dimension(grid.x) << " x " << dimension(grid.y) << " x "
          << dimension(grid.z) << ", block " << dimension(block.x) << " x "
          << dimension(block.y) << " x " << dimension(block.z) << ", " << shared
          << " bytes of shared memory";
    }
    SmallVector<std::string> counts;
    for (auto [kind, count] : kinds)
      counts.push_back(std::to_string(count) + " " + kind.str());
    func.emitRemark("kernels: ")
        << launches.size() << " GPU kernel" << (launches.size() == 1 ? "" : "s")
        << (counts.empty() ? "" : ": ") << llvm::join(counts, "; ");
  }
};

} // namespace
