//===- FoldConstantGenerics.cpp - evaluate weight-only computations -------===//
//
// Computations that read nothing but weights and constants (a batch norm's
// scale 1 / sqrt(var + eps) * gamma, rotary cos/sin tables of positions
// known at compile time) are evaluated once, here, by folding each op of a
// generic's body element by element with MLIR's own folders; their values
// become weights. At run time they would be kernels or loops of their own,
// and a value computed after a matmul cannot be that matmul's epilogue
// operand.
//
//===----------------------------------------------------------------------===//

#include "passes/ABI/Passes.h"
#include "passes/Fusion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_FOLDCONSTANTGENERICSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Elements of the row-major `shape` as a linear index.
int64_t linearize(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (auto [i, extent] : llvm::zip(index, shape))
    linear = linear * extent + i;
  return linear;
}

/// Advances `index` to the next row-major position in `shape`.
void increment(SmallVectorImpl<int64_t> &index, ArrayRef<int64_t> shape) {
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    if (++index[d] < shape[d])
      return;
    index[d] = 0;
  }
}

/// A constant's elements, one attribute each, in row-major order.
using Elements = std::vector<Attribute>;

class Evaluator {
public:
  Evaluator(func::FuncOp func, int64_t maxElements)
      : func(func), maxElements(maxElements) {}

  /// The elements of `value` when they are known at compile time.
  const Elements *elementsOf(Value value) {
    auto it = known.find(value);
    if (it != known.end())
      return it->second.get();
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() > maxElements)
      return nullptr;
    std::optional<Elements> elements = leafElements(value, type);
    if (!elements)
      return nullptr;
    return remember(value, std::move(*elements));
  }

  /// Evaluates `op` when every input is known; records and returns true.
  bool evaluate(linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        op.getNumParallelLoops() != op.getNumLoops())
      return false;
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    if (!type.hasStaticShape() || type.getNumElements() > maxElements ||
        op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
      return false;
    SmallVector<const Elements *> inputs;
    for (OpOperand *input : op.getDpsInputOperands()) {
      const Elements *elements = elementsOf(input->get());
      if (!elements)
        return false;
      inputs.push_back(elements);
    }
    Block &body = op.getRegion().front();
    for (Operation &inner : body.without_terminator()) {
      Dialect *dialect = inner.getDialect();
      bool evaluable =
          (dialect && isa<arith::ArithDialect, math::MathDialect>(dialect)) ||
          isa<linalg::IndexOp, tensor::ExtractOp>(inner);
      if (inner.getNumRegions() || !evaluable)
        return false;
    }
    SmallVector<int64_t> loops = op.getStaticLoopRanges();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    Elements result;
    result.reserve(type.getNumElements());
    SmallVector<int64_t> index(loops.size(), 0);
    for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
      DenseMap<Value, Attribute> values;
      for (auto [input, elements] :
           llvm::zip(op.getDpsInputOperands(), inputs)) {
        auto shape = cast<RankedTensorType>(input->get().getType()).getShape();
        SmallVector<int64_t> at =
            maps[input->getOperandNumber()].compose(index);
        values[body.getArgument(input->getOperandNumber())] =
            (*elements)[linearize(at, shape)];
      }
      for (Operation &inner : body.without_terminator())
        if (!foldOne(inner, index, values))
          return false;
      Attribute yielded = values.lookup(body.getTerminator()->getOperand(0));
      if (!yielded)
        return false;
      result.push_back(yielded);
      increment(index, loops);
    }
    // The output is indexed by the identity or a permutation of the loops.
    AffineMap out = maps.back();
    if (!out.isIdentity()) {
      if (!out.isPermutation())
        return false;
      Elements permuted(result.size());
      SmallVector<int64_t> at(loops.size(), 0);
      for (const Attribute &element : result) {
        permuted[linearize(out.compose(at), type.getShape())] = element;
        increment(at, loops);
      }
      result = std::move(permuted);
    }
    remember(op->getResult(0), std::move(result));
    return true;
  }

  /// Evaluates a tensor.insert_slice of known values with static offsets,
  /// sizes and strides; records and returns true.
  bool evaluate(tensor::InsertSliceOp op) {
    auto type = op.getResultType();
    if (!type.hasStaticShape() || type.getNumElements() > maxElements ||
        llvm::any_of(op.getStaticOffsets(), ShapedType::isDynamic) ||
        llvm::any_of(op.getStaticSizes(), ShapedType::isDynamic) ||
        llvm::any_of(op.getStaticStrides(), ShapedType::isDynamic))
      return false;
    const Elements *source = elementsOf(op.getSource());
    const Elements *dest = elementsOf(op.getDest());
    if (!source || !dest)
      return false;
    Elements result = *dest;
    ArrayRef<int64_t> offsets = op.getStaticOffsets();
    ArrayRef<int64_t> strides = op.getStaticStrides();
    SmallVector<int64_t> sizes(op.getStaticSizes());
    // The source may drop unit dims of the slice; walk the slice's shape.
    SmallVector<int64_t> at(sizes.size(), 0), into(sizes.size());
    for (const Attribute &element : *source) {
      for (size_t d = 0; d < sizes.size(); ++d)
        into[d] = offsets[d] + at[d] * strides[d];
      result[linearize(into, type.getShape())] = element;
      increment(at, sizes);
    }
    remember(op.getResult(), std::move(result));
    return true;
  }

private:
  const Elements *remember(Value value, Elements elements) {
    auto &slot = known[value];
    slot = std::make_unique<Elements>(std::move(elements));
    return slot.get();
  }

  /// Folds one body op with the attributes of its operands.
  bool foldOne(Operation &inner, ArrayRef<int64_t> index,
               DenseMap<Value, Attribute> &values) {
    if (auto dim = dyn_cast<linalg::IndexOp>(inner)) {
      values[dim] = IntegerAttr::get(dim.getType(), index[dim.getDim()]);
      return true;
    }
    SmallVector<Attribute> operands;
    for (Value operand : inner.getOperands()) {
      Attribute attr = values.lookup(operand);
      if (!attr && !matchPattern(operand, m_Constant(&attr)))
        attr = nullptr;
      operands.push_back(attr);
    }
    if (auto extract = dyn_cast<tensor::ExtractOp>(inner)) {
      const Elements *tensor = elementsOf(extract.getTensor());
      if (!tensor)
        return false;
      SmallVector<int64_t> at;
      for (Attribute attr : ArrayRef(operands).drop_front()) {
        auto i = dyn_cast_or_null<IntegerAttr>(attr);
        if (!i)
          return false;
        at.push_back(i.getInt());
      }
      ArrayRef<int64_t> shape = extract.getTensor().getType().getShape();
      for (auto [i, extent] : llvm::zip(at, shape))
        if (i < 0 || i >= extent)
          return false;
      values[extract] = (*tensor)[linearize(at, shape)];
      return true;
    }
    SmallVector<OpFoldResult> folded;
    if (failed(inner.fold(operands, folded)) || folded.size() != 1)
      return false;
    if (auto attr = dyn_cast<Attribute>(folded[0])) {
      values[inner.getResult(0)] = attr;
      return true;
    }
    Attribute same = values.lookup(cast<Value>(folded[0]));
    if (!same && !matchPattern(cast<Value>(folded[0]), m_Constant(&same)))
      return false;
    values[inner.getResult(0)] = same;
    return true;
  }

  /// Elements of a weight argument, a dense constant, a reshape of known
  /// elements or an empty tensor (whose contents are undefined: zeros).
  std::optional<Elements> leafElements(Value value, RankedTensorType type) {
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() != &func.getBody().front())
        return std::nullopt;
      auto data = func.getArgAttrOfType<DenseResourceElementsAttr>(
          arg.getArgNumber(), kWeightAttr);
      AsmResourceBlob *blob = data ? data.getRawHandle().getBlob() : nullptr;
      Type element = type.getElementType();
      if (!blob || !element.isIntOrFloat() ||
          element.getIntOrFloatBitWidth() % 8 ||
          int64_t(blob->getData().size()) !=
              type.getNumElements() * element.getIntOrFloatBitWidth() / 8)
        return std::nullopt;
      bool splat = false;
      if (!DenseElementsAttr::isValidRawBuffer(type, blob->getData(), splat))
        return std::nullopt;
      auto dense = DenseElementsAttr::getFromRawBuffer(type, blob->getData());
      return Elements(dense.getValues<Attribute>().begin(),
                      dense.getValues<Attribute>().end());
    }
    Operation *def = value.getDefiningOp();
    if (!def)
      return std::nullopt;
    DenseElementsAttr dense;
    if (matchPattern(value, m_Constant(&dense)))
      return Elements(dense.getValues<Attribute>().begin(),
                      dense.getValues<Attribute>().end());
    if (isa<tensor::EmptyOp>(def)) {
      Type element = type.getElementType();
      Attribute zero = isa<FloatType>(element)
                           ? Attribute(FloatAttr::get(element, 0.0))
                       : isa<IntegerType, IndexType>(element)
                           ? Attribute(IntegerAttr::get(element, 0))
                           : Attribute();
      if (!zero)
        return std::nullopt;
      return Elements(type.getNumElements(), zero);
    }
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
      if (const Elements *source = elementsOf(def->getOperand(0)))
        return *source;
    return std::nullopt;
  }

  func::FuncOp func;
  int64_t maxElements;
  /// Known values; their elements stay where they are as the map grows.
  DenseMap<Value, std::unique_ptr<Elements>> known;
};

/// The bytes of `elements` of `type` (whole-byte ints and floats) in
/// row-major order; empty when some element cannot be stored.
std::vector<char> bytesOf(const Elements &elements, RankedTensorType type) {
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  std::vector<char> bytes(elements.size() * bits / 8);
  for (size_t i = 0; i < elements.size(); ++i) {
    APInt word;
    if (auto f = dyn_cast<FloatAttr>(elements[i]))
      word = f.getValue().bitcastToAPInt();
    else if (auto n = dyn_cast<IntegerAttr>(elements[i]))
      word = n.getValue();
    else
      return {};
    if (word.getBitWidth() != bits)
      return {};
    for (unsigned b = 0; b < bits / 8; ++b)
      bytes[i * bits / 8 + b] = char(word.extractBitsAsZExtValue(8, 8 * b));
  }
  return bytes;
}

struct FoldConstantGenericsPass
    : fmc::impl::FoldConstantGenericsPassBase<FoldConstantGenericsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = lookupModelFunction(getOperation(), function);
    if (!func)
      return signalPassFailure();
    Evaluator evaluator(func, maxElements);
    SmallVector<Operation *> evaluated;
    for (Operation &op : func.getBody().front()) {
      bool done = false;
      if (auto generic = dyn_cast<linalg::GenericOp>(op))
        done = evaluator.evaluate(generic);
      else if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
        done = evaluator.evaluate(insert);
      if (done)
        evaluated.push_back(&op);
    }
    llvm::SmallPtrSet<Operation *, 16> folded(evaluated.begin(),
                                              evaluated.end());
    // From the last evaluated op back: a value that an op left in place
    // reads becomes a weight; an insert_slice stays (as a weight it would
    // be a copy of a mostly undefined tensor into which the op left in
    // place inserts), so the values it reads are read by an op in place.
    llvm::SmallPtrSet<Operation *, 16> stays;
    auto inPlace = [&](Operation *user) {
      return !folded.contains(user) || stays.contains(user);
    };
    int64_t count = 0;
    for (Operation *op : llvm::reverse(evaluated)) {
      Value result = op->getResult(0);
      if (llvm::none_of(result.getUsers(), inPlace))
        continue;
      auto type = cast<RankedTensorType>(result.getType());
      std::vector<char> bytes;
      if (isa<linalg::GenericOp>(op) && type.getElementType().isIntOrFloat() &&
          type.getElementType().getIntOrFloatBitWidth() % 8 == 0)
        bytes = bytesOf(*evaluator.elementsOf(result), type);
      if (bytes.empty()) {
        stays.insert(op);
        continue;
      }
      BlockArgument weight = addWeightArgument(
          func, type,
          createWeightResource(type, "folded." + std::to_string(count++),
                               bytes),
          op->getLoc());
      if (!weight)
        return signalPassFailure();
      result.replaceUsesWithIf(
          weight, [&](OpOperand &use) { return inPlace(use.getOwner()); });
    }
    // Erase what nothing reads any more, users first.
    for (Operation *op : llvm::reverse(evaluated))
      if (!stays.contains(op) && op->use_empty())
        op->erase();
    if (failed(eraseUnreadWeights(func)))
      return signalPassFailure();
  }
};

} // namespace
