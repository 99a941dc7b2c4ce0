//===- GraphOps.h - fmc graph dialect ops -----------------------*- C++ -*-===//

#ifndef FMC_DIALECTS_GRAPH_IR_GRAPHOPS_H
#define FMC_DIALECTS_GRAPH_IR_GRAPHOPS_H

#include "dialects/Graph/IR/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Graph/IR/GraphOps.h.inc"

namespace mlir::fmc {

/// Numpy broadcasting of two shapes; dynamic dims broadcast to dynamic unless
/// the other dim is a static size other than 1. Returns failure when static
/// sizes disagree.
LogicalResult broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                              SmallVectorImpl<int64_t> &result);

/// Normalizes `axis` in [-rank, rank) to [0, rank); failure when outside.
FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

} // namespace mlir::fmc

#endif // FMC_DIALECTS_GRAPH_IR_GRAPHOPS_H
