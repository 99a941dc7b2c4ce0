//===- TensorImporter.cpp - ONNX TensorProto to MLIR attributes -----------===//

#include "frontends/onnx/TensorImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;
using TensorProto = ::onnx::TensorProto;

FailureOr<Type> mlir::fmc::onnx::importElementType(MLIRContext *ctx,
                                                   int32_t dataType,
                                                   Location loc) {
  Builder b(ctx);
  switch (dataType) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::INT8:
    return b.getIntegerType(8);
  case TensorProto::INT16:
    return b.getIntegerType(16);
  case TensorProto::INT32:
    return b.getIntegerType(32);
  case TensorProto::INT64:
    return b.getIntegerType(64);
  case TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case TensorProto::UINT16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case TensorProto::UINT32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case TensorProto::UINT64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case TensorProto::BOOL:
    return b.getI1Type();
  default:
    break;
  }
  // Types newer than the ONNX protobuf definitions fmc is built with
  // (TensorProto.DataType 17 to 26). Sub-byte types are held one element per
  // byte (as numpy's ml_dtypes holds them), in the low bits.
  switch (dataType) {
  case 17:
    return Type(b.getType<Float8E4M3FNType>());
  case 18:
    return Type(b.getType<Float8E4M3FNUZType>());
  case 19:
    return Type(b.getType<Float8E5M2Type>());
  case 20:
    return Type(b.getType<Float8E5M2FNUZType>());
  case 21:
    return Type(b.getIntegerType(4, /*isSigned=*/false));
  case 22:
    return Type(b.getIntegerType(4));
  case 23:
    return Type(b.getType<Float4E2M1FNType>());
  case 25:
    return Type(b.getIntegerType(2, /*isSigned=*/false));
  case 26:
    return Type(b.getIntegerType(2));
  default:
    break;
  }
  static const char *const newer[] = {
      "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4",
      "INT4",         "FLOAT4E2M1",     "FLOAT8E8M0", "UINT2",          "INT2"};
  std::string name;
  if (dataType >= 17 && dataType < 17 + static_cast<int32_t>(std::size(newer)))
    name = newer[dataType - 17];
  else if (TensorProto::DataType_IsValid(dataType))
    name = TensorProto::DataType_Name(
        static_cast<TensorProto::DataType>(dataType));
  else
    name = "unknown (" + std::to_string(dataType) + ")";
  emitError(loc) << "element type " << name << " is not supported";
  return failure();
}

namespace {

/// Reads `length` bytes at `offset` of an external data file, refusing paths
/// that could leave the model's folder.
FailureOr<std::unique_ptr<llvm::MemoryBuffer>>
readExternal(const TensorProto &tensor, StringRef modelDir, Location loc) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto &entry : tensor.external_data()) {
    uint64_t value = 0;
    if (entry.key() == "location") {
      location = entry.value();
      continue;
    }
    if (entry.key() != "offset" && entry.key() != "length")
      continue;
    if (StringRef(entry.value()).getAsInteger(10, value)) {
      emitError(loc) << "external data of '" << tensor.name()
                     << "': " << entry.key() << " '" << entry.value()
                     << "' is not a number";
      return failure();
    }
    if (entry.key() == "offset")
      offset = value;
    else
      length = value;
  }
  auto fail = [&](const Twine &why) {
    emitError(loc) << "external data of '" << tensor.name() << "' ('"
                   << location << "'): " << why;
    return failure();
  };
  if (location.empty())
    return fail("no location given");
  if (llvm::sys::path::is_absolute(location))
    return fail("absolute paths are not allowed");
  for (StringRef part : llvm::make_range(llvm::sys::path::begin(location),
                                         llvm::sys::path::end(location)))
    if (part == "..")
      return fail("'..' is not allowed in external data paths");
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  SmallString<256> realDir, realPath;
  if (llvm::sys::fs::real_path(modelDir.empty() ? "." : modelDir, realDir) ||
      llvm::sys::fs::real_path(path, realPath))
    return fail("file not found");
  StringRef real = realPath;
  if (!real.starts_with(realDir) ||
      !llvm::sys::path::is_separator(real[realDir.size()]))
    return fail("the path leaves the model's folder (through a symlink)");
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(realPath, fileSize))
    return fail("cannot read the file");
  if (offset > fileSize)
    return fail("offset " + Twine(offset) + " is beyond the file size " +
                Twine(fileSize));
  uint64_t size = length.value_or(fileSize - offset);
  if (size > fileSize - offset)
    return fail("offset " + Twine(offset) + " + length " + Twine(size) +
                " is beyond the file size " + Twine(fileSize));
  auto buffer = llvm::MemoryBuffer::getFileSlice(realPath, size, offset);
  if (!buffer)
    return fail("cannot read: " + buffer.getError().message());
  return std::move(*buffer);
}

/// Typed-field values as little-endian bytes of the element type.
template <typename From, typename To>
void appendAs(const google::protobuf::RepeatedField<From> &values,
              std::vector<char> &bytes) {
  for (From v : values) {
    To converted = static_cast<To>(v);
    const char *p = reinterpret_cast<const char *>(&converted);
    bytes.insert(bytes.end(), p, p + sizeof(To));
  }
}

LogicalResult typedFieldBytes(const TensorProto &t, std::vector<char> &bytes,
                              Location loc) {
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    appendAs<float, float>(t.float_data(), bytes);
    return success();
  case TensorProto::DOUBLE:
    appendAs<double, double>(t.double_data(), bytes);
    return success();
  case TensorProto::INT64:
    appendAs<int64_t, int64_t>(t.int64_data(), bytes);
    return success();
  case TensorProto::INT32:
    appendAs<int32_t, int32_t>(t.int32_data(), bytes);
    return success();
  case TensorProto::INT16:
    appendAs<int32_t, int16_t>(t.int32_data(), bytes);
    return success();
  case TensorProto::INT8:
    appendAs<int32_t, int8_t>(t.int32_data(), bytes);
    return success();
  case TensorProto::UINT8:
  case TensorProto::BOOL:
    appendAs<int32_t, uint8_t>(t.int32_data(), bytes);
    return success();
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    appendAs<int32_t, uint16_t>(t.int32_data(), bytes);
    return success();
  // 8-bit floats: one element per int32; 4- and 2-bit types: one packed byte
  // per int32 (unpacked by the caller).
  case 17:
  case 18:
  case 19:
  case 20:
  case 21:
  case 22:
  case 23:
  case 25:
  case 26:
    appendAs<int32_t, uint8_t>(t.int32_data(), bytes);
    return success();
  default:
    emitError(loc) << "tensor '" << t.name()
                   << "': typed data of this element type is not supported";
    return failure();
  }
}

} // namespace

FailureOr<ElementsAttr> mlir::fmc::onnx::importTensor(MLIRContext *ctx,
                                                      const TensorProto &tensor,
                                                      StringRef modelDir,
                                                      Location loc) {
  FailureOr<Type> element = importElementType(ctx, tensor.data_type(), loc);
  if (failed(element))
    return failure();
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d)) {
      emitError(loc) << "tensor '" << tensor.name() << "' has invalid dims";
      return failure();
    }
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, *element);
  int64_t elementBytes =
      element->isInteger(1)
          ? 1
          : llvm::divideCeil(element->getIntOrFloatBitWidth(), 8);

  std::unique_ptr<llvm::MemoryBuffer> external;
  std::vector<char> typed;
  ArrayRef<char> bytes;
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    auto buffer = readExternal(tensor, modelDir, loc);
    if (failed(buffer))
      return failure();
    external = std::move(*buffer);
    bytes =
        ArrayRef<char>(external->getBufferStart(), external->getBufferSize());
  } else if (tensor.has_raw_data()) {
    bytes = ArrayRef<char>(tensor.raw_data().data(), tensor.raw_data().size());
  } else {
    if (failed(typedFieldBytes(tensor, typed, loc)))
      return failure();
    bytes = typed;
  }
  // 4- and 2-bit elements are packed in ONNX data, low bits first; fmc holds
  // them one per byte.
  std::vector<char> unpacked;
  unsigned bits = element->isInteger(1) ? 8 : element->getIntOrFloatBitWidth();
  if (bits < 8) {
    int64_t packedBytes = llvm::divideCeil(count * bits, 8);
    if (static_cast<int64_t>(bytes.size()) != packedBytes) {
      emitError(loc) << "tensor '" << tensor.name() << "' holds "
                     << bytes.size() << " bytes of data but its type " << type
                     << " packs into " << packedBytes;
      return failure();
    }
    unsigned perByte = 8 / bits;
    for (int64_t i = 0; i < count; ++i) {
      auto byte = static_cast<uint8_t>(bytes[i / perByte]);
      unpacked.push_back(static_cast<char>((byte >> (bits * (i % perByte))) &
                                           ((1u << bits) - 1)));
    }
    bytes = unpacked;
  }
  if (static_cast<int64_t>(bytes.size()) != count * elementBytes) {
    emitError(loc) << "tensor '" << tensor.name() << "' holds " << bytes.size()
                   << " bytes of data but its type " << type << " needs "
                   << count * elementBytes;
    return failure();
  }

  if (element->isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  // Weights become blobs that are never printed element by element; small
  // tensors (shapes, scalars, axes) stay dense so that they fold.
  bool isWeight =
      count * elementBytes >= 1024 || (isa<FloatType>(*element) && count >= 16);
  if (isWeight) {
    std::string name = tensor.name().empty() ? "tensor" : tensor.name();
    return ElementsAttr(DenseResourceElementsAttr::get(
        type, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, 64)));
  }
  bool detectedSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, detectedSplat)) {
    emitError(loc) << "tensor '" << tensor.name() << "' has malformed data";
    return failure();
  }
  return ElementsAttr(DenseElementsAttr::getFromRawBuffer(type, bytes));
}
