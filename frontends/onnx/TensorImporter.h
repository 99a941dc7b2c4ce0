//===- TensorImporter.h - ONNX TensorProto to MLIR attributes ---*- C++ -*-===//

#ifndef FMC_FRONTENDS_ONNX_TENSORIMPORTER_H
#define FMC_FRONTENDS_ONNX_TENSORIMPORTER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <onnx/onnx_pb.h>

namespace mlir::fmc::onnx {

/// The MLIR element type of an ONNX TensorProto.DataType, or an error at
/// `loc` naming the unsupported type.
FailureOr<Type> importElementType(MLIRContext *ctx, int32_t dataType,
                                  Location loc);

/// Imports a tensor's value from raw_data, the typed fields, or external data
/// files resolved inside `modelDir` only. Large tensors become
/// dense_resource blobs named after the tensor; small ones dense attributes.
FailureOr<ElementsAttr> importTensor(MLIRContext *ctx,
                                     const ::onnx::TensorProto &tensor,
                                     StringRef modelDir, Location loc);

} // namespace mlir::fmc::onnx

#endif // FMC_FRONTENDS_ONNX_TENSORIMPORTER_H
