//===- Passes.h - graph to linalg conversion --------------------*- C++ -*-===//

#ifndef FMC_PASSES_CONVERSION_GRAPHTOLINALG_PASSES_H
#define FMC_PASSES_CONVERSION_GRAPHTOLINALG_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
namespace fmc {

#define GEN_PASS_DECL
#include "passes/Conversion/GraphToLinalg/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Conversion/GraphToLinalg/Passes.h.inc"

/// Patterns by op family; each lowers fmc ops to linalg/tensor/arith/math.
void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns,
                                         const TypeConverter &converter);
void populateMatMulToLinalgPatterns(RewritePatternSet &patterns,
                                    const TypeConverter &converter);
void populateReductionToLinalgPatterns(RewritePatternSet &patterns,
                                       const TypeConverter &converter);
void populateConvolutionToLinalgPatterns(RewritePatternSet &patterns,
                                         const TypeConverter &converter);
void populateShapeToLinalgPatterns(RewritePatternSet &patterns,
                                   const TypeConverter &converter);

/// Block sizes of the FlashAttention lowering: queries per block and keys
/// per inner step, or 0 to derive both from `cacheBytes` and the head sizes
/// (the lowering uses the largest divisors of S and T no larger than these).
struct AttentionTiles {
  int64_t cacheBytes = 256 * 1024;
  int64_t query = 0;
  int64_t key = 0;
  /// The (batch, head, query block) loops as one scf.forall whose
  /// iterations write disjoint slices (CPU targets run them on the thread
  /// pool); otherwise a nest of scf.for.
  bool parallelBlocks = false;
  /// f32 attention as one fmc.attention_kernel (a fused GPU kernel).
  bool kernel = false;
  /// The largest head size (D and Dv) the kernel takes.
  int64_t kernelMaxHead = 256;
};
void populateAttentionToLinalgPatterns(RewritePatternSet &patterns,
                                       const TypeConverter &converter,
                                       AttentionTiles tiles);

} // namespace fmc
} // namespace mlir

#endif // FMC_PASSES_CONVERSION_GRAPHTOLINALG_PASSES_H
