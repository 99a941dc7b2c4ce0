//===- Matchers.h - graph-dialect matching helpers for raising --*- C++ -*-===//
//
// Shared by the fmc-raise-* passes, which recognise decomposed subgraphs on
// the graph dialect.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_PASSES_FUSION_MATCHERS_H
#define FMC_PASSES_FUSION_MATCHERS_H

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/IR/Matchers.h"

#include <cmath>
#include <optional>

namespace mlir::fmc {

/// The value of a constant float tensor whose elements are all equal.
inline std::optional<double> scalarConstant(Value v) {
  DenseFPElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// `v` is a splat float constant within `relTol` of `expected` (exporters
/// round constants such as sqrt(2) or sqrt(2 / pi) to f32 or fewer digits).
inline bool isScalar(Value v, double expected, double relTol = 1e-4) {
  std::optional<double> c = scalarConstant(v);
  return c && std::abs(*c - expected) <= relTol * std::abs(expected);
}

/// `type` broadcasts to `shape` (numpy rules, right-aligned) without
/// widening it.
inline bool broadcastsTo(RankedTensorType type, ArrayRef<int64_t> shape) {
  if (type.getRank() > int64_t(shape.size()))
    return false;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    int64_t dim = type.getDimSize(type.getRank() - 1 - i);
    if (dim != 1 && dim != shape[shape.size() - 1 - i])
      return false;
  }
  return true;
}

/// The single user of `v`, if it has exactly one use.
inline Operation *soleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

/// The operand of a binary op that is not `known` (null if neither is).
inline Value otherOperand(Operation *op, Value known) {
  if (op->getNumOperands() != 2)
    return {};
  if (op->getOperand(0) == known)
    return op->getOperand(1);
  if (op->getOperand(1) == known)
    return op->getOperand(0);
  return {};
}

/// The factors of a product tree: the leaves under `v` when `v` is an
/// fmc.mul, descending into operands that are fmc.mul with one use, down to
/// `depth` levels. The muls taken apart are appended to `muls`. With numpy
/// broadcasting the product of the leaves has the root's shape whatever the
/// tree, so callers compare the leaves as a multiset.
inline void collectFactors(Value v, int depth, SmallVectorImpl<Value> &factors,
                           SmallVectorImpl<Operation *> &muls,
                           bool root = true) {
  auto mul = v.getDefiningOp<MulOp>();
  if (!mul || depth == 0 || (!root && !mul->hasOneUse())) {
    factors.push_back(v);
    return;
  }
  muls.push_back(mul);
  collectFactors(mul.getLhs(), depth - 1, factors, muls, false);
  collectFactors(mul.getRhs(), depth - 1, factors, muls, false);
}

} // namespace mlir::fmc

#endif // FMC_PASSES_FUSION_MATCHERS_H
