//===- ArtifactBuilder.cpp - model function -> artifact metadata ----------===//

#include "compiler/Artifact/ArtifactBuilder.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::fmc;
namespace artifact = ::fmc::artifact;

uint32_t mlir::fmc::getDtypeCode(Type type) {
  if (type.isF32())
    return 1;
  if (type.isUnsignedInteger(8))
    return 2;
  if (type.isUnsignedInteger(16))
    return 4;
  if (type.isUnsignedInteger(32))
    return 12;
  if (type.isUnsignedInteger(64))
    return 13;
  if (type.isSignlessInteger(8))
    return 3;
  if (type.isSignlessInteger(16))
    return 5;
  if (type.isSignlessInteger(32))
    return 6;
  if (type.isSignlessInteger(64))
    return 7;
  if (type.isInteger(1))
    return 9;
  if (type.isF16())
    return 10;
  if (type.isF64())
    return 11;
  if (type.isBF16())
    return 16;
  if (isa<Float8E4M3FNType>(type))
    return 17;
  if (isa<Float8E4M3FNUZType>(type))
    return 18;
  if (isa<Float8E5M2Type>(type))
    return 19;
  if (isa<Float8E5M2FNUZType>(type))
    return 20;
  if (type.isUnsignedInteger(4))
    return 21;
  if (type.isSignlessInteger(4))
    return 22;
  if (isa<Float4E2M1FNType>(type))
    return 23;
  if (type.isUnsignedInteger(2))
    return 25;
  if (type.isSignlessInteger(2))
    return 26;
  return 0;
}

static FailureOr<artifact::TensorDesc> describe(Location loc, StringRef name,
                                                Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape()) {
    emitError(loc) << "'" << name << "' has type " << type
                   << "; artifacts need static shapes";
    return failure();
  }
  uint32_t dtype = getDtypeCode(tensor.getElementType());
  if (!dtype) {
    emitError(loc) << "'" << name << "' has element type "
                   << tensor.getElementType()
                   << ", which artifacts cannot hold";
    return failure();
  }
  artifact::TensorDesc desc;
  desc.name = name.str();
  desc.dtype = dtype;
  desc.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return desc;
}

LogicalResult
mlir::fmc::collectArtifactTensors(func::FuncOp model,
                                  artifact::ArtifactContents &contents) {
  Location loc = model.getLoc();
  // Lowering makes unsigned element types signless and keeps the ABI type in
  // `fmc.element_type`.
  auto abiType = [](Type type, TypeAttr element) -> Type {
    if (!element)
      return type;
    return cast<RankedTensorType>(type).clone(element.getValue());
  };
  for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i) {
    Type type =
        abiType(model.getArgumentTypes()[i],
                model.getArgAttrOfType<TypeAttr>(i, "fmc.element_type"));
    if (auto name = model.getArgAttrOfType<StringAttr>(i, "fmc.input")) {
      auto desc = describe(loc, name.getValue(), type);
      if (failed(desc))
        return failure();
      if (!contents.weights.empty()) {
        emitError(loc) << "input '" << name.getValue()
                       << "' follows a weight argument";
        return failure();
      }
      contents.inputs.push_back(*desc);
      continue;
    }
    auto weight =
        model.getArgAttrOfType<DenseResourceElementsAttr>(i, "fmc.weight");
    if (!weight) {
      emitError(loc) << "argument " << i
                     << " of the model is neither an input nor a weight";
      return failure();
    }
    DenseResourceElementsHandle handle = weight.getRawHandle();
    auto desc = describe(loc, handle.getKey(), type);
    if (failed(desc))
      return failure();
    AsmResourceBlob *blob = handle.getBlob();
    if (!blob) {
      emitError(loc) << "weight '" << handle.getKey() << "' has no data";
      return failure();
    }
    ArrayRef<char> data = blob->getData();
    artifact::WeightData w;
    w.desc = *desc;
    w.data = data.data();
    w.nbytes = data.size();
    contents.weights.push_back(std::move(w));
  }
  for (unsigned i = 0, e = model.getNumResults(); i < e; ++i) {
    auto name = model.getResultAttrOfType<StringAttr>(i, "fmc.output");
    if (!name) {
      emitError(loc) << "result " << i << " of the model has no name";
      return failure();
    }
    auto desc = describe(
        loc, name.getValue(),
        abiType(model.getResultTypes()[i],
                model.getResultAttrOfType<TypeAttr>(i, "fmc.element_type")));
    if (failed(desc))
      return failure();
    contents.outputs.push_back(*desc);
  }
  return success();
}
