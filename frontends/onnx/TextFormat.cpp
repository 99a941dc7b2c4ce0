//===- TextFormat.cpp - ONNX text syntax (libonnx's parser) ---------------===//
//
// Kept apart because libonnx's headers need exceptions, which the rest of the
// LLVM-style code base is built without.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/TextFormat.h"

#include <onnx/defs/parser.h>

bool mlir::fmc::onnx::parseTextModel(const std::string &text,
                                     ::onnx::ModelProto &model,
                                     std::string &error) {
  try {
    ::onnx::OnnxParser parser(text.c_str());
    auto status = parser.Parse(model);
    if (!status.IsOK()) {
      error = status.ErrorMessage();
      return false;
    }
    return true;
  } catch (const std::exception &e) {
    error = e.what();
    return false;
  }
}
