//===- ModelImporter.cpp - ONNX ModelProto to the fmc graph dialect -------===//

#include "frontends/onnx/ModelImporter.h"
#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"
#include "frontends/onnx/TextFormat.h"

#include "dialects/Graph/IR/GraphDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

LogicalResult
mlir::fmc::onnx::parseInputShape(StringRef spec, std::string &name,
                                 SmallVectorImpl<int64_t> &shape) {
  auto [key, dims] = spec.rsplit('=');
  if (key.empty() || key.size() == spec.size())
    return failure();
  name = key.str();
  shape.clear();
  if (dims.empty())
    return success();
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0)
      return failure();
    shape.push_back(d);
  }
  return success();
}

namespace {

const OpImportRegistry &getRegistry() {
  static const OpImportRegistry registry = [] {
    OpImportRegistry r;
    registerMathOps(r);
    registerNNOps(r);
    registerTensorOps(r);
    registerGeneratorOps(r);
    registerConvOps(r);
    registerAttentionOps(r);
    registerQuantizationOps(r);
    registerResizeOps(r);
    registerIndexingOps(r);
    registerSignalOps(r);
    registerContribOps(r);
    return r;
  }();
  return registry;
}

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef path, const ImportOptions &options)
      : ctx(ctx), path(path), options(options),
        fileLoc(FileLineColLoc::get(ctx, path, 0, 0)),
        modelDir(llvm::sys::path::parent_path(path)) {}

  OwningOpRef<ModuleOp> import(const ::onnx::ModelProto &model);

private:
  Location nameLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
  }
  FailureOr<RankedTensorType> inputType(const ::onnx::ValueInfoProto &info);
  LogicalResult importNode(OpBuilder &b, const ::onnx::NodeProto &node,
                           int index);

  MLIRContext *ctx;
  StringRef path;
  const ImportOptions &options;
  Location fileLoc;
  StringRef modelDir;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
};

FailureOr<RankedTensorType>
GraphImporter::inputType(const ::onnx::ValueInfoProto &info) {
  Location loc = nameLoc(info.name());
  if (!info.type().has_tensor_type()) {
    emitError(loc) << "graph input '" << info.name()
                   << "' is not a tensor (sequence, map and optional inputs "
                      "are not supported)";
    return failure();
  }
  const auto &tensorType = info.type().tensor_type();
  FailureOr<Type> element = importElementType(ctx, tensorType.elem_type(), loc);
  if (failed(element))
    return failure();
  if (!tensorType.has_shape()) {
    emitError(loc) << "graph input '" << info.name()
                   << "' has no shape; give it with --input-shape";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const auto &dim : tensorType.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  auto pinned = options.inputShapes.find(info.name());
  if (pinned != options.inputShapes.end()) {
    ArrayRef<int64_t> given = pinned->second;
    bool ok = given.size() == shape.size();
    for (size_t i = 0; ok && i < shape.size(); ++i)
      ok = ShapedType::isDynamic(shape[i]) || shape[i] == given[i];
    if (!ok) {
      auto d = emitError(loc) << "--input-shape for '" << info.name()
                              << "' does not match the model's shape [";
      llvm::interleave(
          shape, d,
          [&](int64_t v) {
            if (ShapedType::isDynamic(v))
              d << "?";
            else
              d << v;
          },
          "x");
      d << "]";
      return failure();
    }
    shape.assign(given.begin(), given.end());
  }
  return RankedTensorType::get(shape, *element);
}

LogicalResult GraphImporter::importNode(OpBuilder &b,
                                        const ::onnx::NodeProto &node,
                                        int index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "#" + std::to_string(index)
                         : node.name();
  Location loc = nameLoc(name);
  // Ops of other domains are registered as "<domain>::<op_type>".
  bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  std::string key =
      defaultDomain ? node.op_type() : node.domain() + "::" + node.op_type();
  const OpImportRegistry &registry = getRegistry();
  auto it = registry.find(key);
  if (it == registry.end() && !defaultDomain) {
    emitError(loc) << "op '" << node.op_type() << "' of domain '"
                   << node.domain() << "' is not supported";
    return failure();
  }
  if (it == registry.end()) {
    emitError(loc) << "unsupported op '" << node.op_type() << "' (opset "
                   << opset << ")";
    return failure();
  }
  SmallVector<Value> inputs;
  for (const std::string &input : node.input()) {
    if (input.empty()) {
      inputs.push_back(Value());
      continue;
    }
    auto found = values.find(input);
    if (found == values.end()) {
      emitError(loc) << node.op_type() << ": input '" << input
                     << "' is not defined by any node, graph input or "
                        "initializer (missing initializer?)";
      return failure();
    }
    inputs.push_back(found->second);
  }
  NodeContext context(b, loc, node, opset, std::move(inputs));
  context.modelDir = modelDir;
  context.fuseAttention = options.fuseAttention;
  SmallVector<Value> results;
  bool diagnosed = false;
  {
    // Notes every error reported while the node is imported, and lets the
    // diagnostic through to the driver's handler.
    ScopedDiagnosticHandler noteErrors(ctx, [&](Diagnostic &diag) {
      diagnosed |= diag.getSeverity() == DiagnosticSeverity::Error;
      return failure();
    });
    if (failed(it->second(context, results))) {
      if (!diagnosed)
        emitError(loc) << node.op_type()
                       << ": internal error: the importer failed without "
                          "saying why";
      return failure();
    }
  }
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty())
      continue;
    if (i >= static_cast<int>(results.size()) || !results[i]) {
      emitError(loc) << node.op_type() << ": output " << i << " ('"
                     << node.output(i) << "') is not supported";
      return failure();
    }
    values[node.output(i)] = results[i];
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::import(const ::onnx::ModelProto &model) {
  for (const auto &entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = entry.version();
  if (opset == 0) {
    emitError(fileLoc) << "the model imports no opset of the default ONNX "
                          "domain";
    return nullptr;
  }
  const ::onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  for (const auto &entry : options.inputShapes) {
    bool found = llvm::any_of(graph.input(), [&](const auto &input) {
      return input.name() == entry.getKey() &&
             !initializerNames.contains(input.name());
    });
    if (!found) {
      emitError(fileLoc) << "--input-shape names '" << entry.getKey()
                         << "', which is not a graph input";
      return nullptr;
    }
  }

  SmallVector<Type> argTypes;
  SmallVector<const ::onnx::ValueInfoProto *> inputs;
  SmallVector<std::pair<std::string, DenseElementsAttr>> bound;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = inputType(input);
    if (failed(type))
      return nullptr;
    if (auto it = options.boundInputs.find(input.name());
        it != options.boundInputs.end()) {
      DenseElementsAttr value = it->second(ctx);
      auto valueType =
          value ? cast<RankedTensorType>(value.getType()) : RankedTensorType();
      if (!valueType || valueType.getElementType() != type->getElementType() ||
          failed(verifyCompatibleShape(valueType, *type))) {
        emitError(nameLoc(input.name()))
            << "--bind-input value for '" << input.name() << "' has type "
            << valueType << ", the model declares " << *type;
        return nullptr;
      }
      bound.emplace_back(input.name(), value);
      continue;
    }
    argTypes.push_back(*type);
    inputs.push_back(&input);
  }
  for (const auto &entry : options.boundInputs)
    if (!llvm::any_of(
            bound, [&](const auto &b) { return b.first == entry.getKey(); })) {
      emitError(fileLoc) << "--bind-input names '" << entry.getKey()
                         << "', which is not a graph input";
      return nullptr;
    }
  auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, input] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "fmc.input", b.getStringAttr(input->name()));
    values[input->name()] = entry->getArgument(i);
  }
  b.setInsertionPointToStart(entry);
  for (auto &[name, value] : bound)
    values[name] = ConstantOp::create(b, nameLoc(name), value);

  for (const auto &init : graph.initializer()) {
    Location loc = nameLoc(init.name());
    FailureOr<ElementsAttr> value = importTensor(ctx, init, modelDir, loc);
    if (failed(value))
      return nullptr;
    values[init.name()] = ConstantOp::create(b, loc, *value);
  }
  for (const auto &[index, node] : llvm::enumerate(graph.node())) {
    if (succeeded(importNode(b, node, index)))
      continue;
    // Symbolic input dims are the usual cause: say which to pin.
    std::string symbolic;
    for (const ::onnx::ValueInfoProto *input : inputs) {
      const auto &dims = input->type().tensor_type().shape().dim();
      if (options.inputShapes.count(input->name()) ||
          llvm::all_of(dims, [](const auto &d) { return d.has_dim_value(); }))
        continue;
      SmallVector<std::string> parts;
      for (const auto &d : dims)
        parts.push_back(d.has_dim_value()       ? std::to_string(d.dim_value())
                        : d.dim_param().empty() ? std::string("?")
                                                : d.dim_param());
      symbolic += (symbolic.empty() ? "" : ", ") + input->name() + " [" +
                  llvm::join(parts, ", ") + "]";
    }
    if (!symbolic.empty())
      emitError(fileLoc) << "graph inputs with symbolic dims: " << symbolic
                         << "; fmc compiles static shapes: pin them with "
                            "--input-shape NAME=DxDx...";
    return nullptr;
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    auto found = values.find(output.name());
    if (found == values.end()) {
      emitError(nameLoc(output.name()))
          << "graph output '" << output.name() << "' is never produced";
      return nullptr;
    }
    results.push_back(found->second);
    resultTypes.push_back(found->second.getType());
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "fmc.output", b.getStringAttr(output.name()));
  return module;
}

} // namespace

OwningOpRef<ModuleOp>
mlir::fmc::onnx::importModelFile(MLIRContext *ctx, StringRef path,
                                 const ImportOptions &options) {
  ctx->loadDialect<GraphDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer) {
    emitError(fileLoc) << "cannot read the model: "
                       << buffer.getError().message();
    return nullptr;
  }
  ::onnx::ModelProto model;
  if (path.ends_with(".onnxtxt")) {
    std::string error;
    if (!parseTextModel((*buffer)->getBuffer().str(), model, error)) {
      emitError(fileLoc) << "ONNX text syntax error: " << error;
      return nullptr;
    }
  } else if (!model.ParseFromArray((*buffer)->getBufferStart(),
                                   (*buffer)->getBufferSize())) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf does not "
                          "parse (truncated or not an ONNX file)";
    return nullptr;
  }
  if (!model.has_graph() || model.ir_version() <= 0) {
    emitError(fileLoc) << "not an ONNX model: no "
                       << (model.has_graph() ? "ir_version" : "graph");
    return nullptr;
  }
  return GraphImporter(ctx, path, options).import(model);
}
