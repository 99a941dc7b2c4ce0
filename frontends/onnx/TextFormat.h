//===- TextFormat.h - ONNX text syntax (libonnx's parser) -------*- C++ -*-===//

#ifndef FMC_FRONTENDS_ONNX_TEXTFORMAT_H
#define FMC_FRONTENDS_ONNX_TEXTFORMAT_H

#include <onnx/onnx_pb.h>
#include <string>

namespace mlir::fmc::onnx {

/// Parses a model written in the ONNX text syntax; returns false and sets
/// `error` on a syntax error.
bool parseTextModel(const std::string &text, ::onnx::ModelProto &model,
                    std::string &error);

} // namespace mlir::fmc::onnx

#endif // FMC_FRONTENDS_ONNX_TEXTFORMAT_H
