//===- Utils.h - helpers shared by the graph-to-linalg patterns -*- C++ -*-===//

#ifndef FMC_PASSES_CONVERSION_GRAPHTOLINALG_UTILS_H
#define FMC_PASSES_CONVERSION_GRAPHTOLINALG_UTILS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::fmc {

using ScalarBodyFn =
    function_ref<Value(OpBuilder &, Location, ValueRange /*scalars*/)>;

/// The indexing map that reads an operand of `operandShape` while iterating a
/// result of `resultShape` under numpy broadcasting (size-1 and missing
/// leading dims read index 0).
AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape);

/// The indexing map from the `rank` loops of an op to a reduction's result
/// over `axes` of them: the dims that are not reduced, in order.
AffineMap getReducedMap(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes);

/// An all-parallel linalg.generic producing `resultType` from `inputs` read
/// through `inputMaps` (the result map is the identity); `body` maps the input
/// scalars to the result scalar.
Value buildParallelGeneric(OpBuilder &b, Location loc,
                           RankedTensorType resultType, ValueRange inputs,
                           ArrayRef<AffineMap> inputMaps, ScalarBodyFn body);

/// buildParallelGeneric with numpy-broadcasting maps for `inputs`.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarBodyFn body);

/// `type` with unsigned integer elements made signless: below the graph
/// dialect, signedness lives in the ops (arith.divui, cmpi ult, ...), which
/// the patterns pick from the graph op's own types.
Type signless(Type type);
RankedTensorType signless(RankedTensorType type);

/// A tensor of `type` filled with `value`.
Value buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                  Value value);

/// A scalar arith constant of `type` (float or integer) equal to `value`.
Value buildScalar(OpBuilder &b, Location loc, Type type, double value);

/// Reduces `input` over the sorted `axes` into a tensor without those dims,
/// starting from `init`; `combine(acc, element)` gives the new accumulator.
Value buildReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine);

/// A contraction as linalg.generic: `init` plus the products lhs * rhs
/// summed over the reduction loops, operands read through `maps` (lhs, rhs,
/// result). Put the reduction loop before the last parallel loop so that
/// the innermost loop is a contiguous multiply-accumulate LLVM vectorizes.
Value buildMultiplyAccumulate(OpBuilder &b, Location loc, Value lhs, Value rhs,
                              Value init, ArrayRef<AffineMap> maps,
                              ArrayRef<utils::IteratorType> iterators);

/// Reshapes a statically shaped tensor to `type` (same element count) with
/// collapse/expand_shape, which bufferize to views.
Value buildReshape(OpBuilder &b, Location loc, Value input,
                   RankedTensorType type);

} // namespace mlir::fmc

#endif // FMC_PASSES_CONVERSION_GRAPHTOLINALG_UTILS_H
