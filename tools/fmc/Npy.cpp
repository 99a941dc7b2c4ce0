//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//

#include "tools/fmc/Npy.h"

#include "runtime/src/base/Dtype.h"
#include "tools/fmc/RuntimeSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using llvm::StringRef;

namespace fmc::tool {

namespace {

constexpr StringRef kMagic("\x93NUMPY", 6);

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

struct DtypeCode {
  StringRef code; // without the byte-order character
  fmc_dtype_t dtype;
};

constexpr DtypeCode kDtypeCodes[] = {
    {"f2", FMC_DTYPE_FLOAT16}, {"f4", FMC_DTYPE_FLOAT32},
    {"f8", FMC_DTYPE_FLOAT64}, {"i1", FMC_DTYPE_INT8},
    {"i2", FMC_DTYPE_INT16},   {"i4", FMC_DTYPE_INT32},
    {"i8", FMC_DTYPE_INT64},   {"u1", FMC_DTYPE_UINT8},
    {"u2", FMC_DTYPE_UINT16},  {"u4", FMC_DTYPE_UINT32},
    {"u8", FMC_DTYPE_UINT64},  {"b1", FMC_DTYPE_BOOL},
};

llvm::Expected<fmc_dtype_t> parseDescr(StringRef descr) {
  if (descr.size() < 2)
    return makeError("unsupported dtype '" + descr + "'");
  char order = descr[0];
  StringRef code = descr.drop_front();
  for (const DtypeCode &entry : kDtypeCodes) {
    if (entry.code != code)
      continue;
    bool singleByte = fmc_dtype_size(entry.dtype) == 1;
    if (order == '>' && !singleByte)
      return makeError("big-endian data ('" + descr +
                       "') is not supported; convert it with "
                       "arr.astype(arr.dtype.newbyteorder('<'))");
    if (order == '<' || order == '|' || order == '=' || order == '>')
      return entry.dtype;
  }
  // NumPy has no bfloat16; ml_dtypes.bfloat16 arrays are saved as 2-byte
  // void elements.
  if (code == "V2" && order != '>')
    return FMC_DTYPE_BFLOAT16;
  if (code == "V1" || code == "f1")
    return FMC_DTYPE_UINT8; // untypedBytes, see NpyArray

  return makeError("unsupported dtype '" + descr +
                   "' (supported: <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 "
                   "<u8 |b1, <V2 for ml_dtypes.bfloat16 and <V1 (<f1 for "
                   "float8_e5m2) for ml_dtypes' 8-bit and smaller types)");
}

const char *descrFor(fmc_dtype_t dtype) {
  switch (dtype) {
  case FMC_DTYPE_FLOAT16:
    return "<f2";
  case FMC_DTYPE_FLOAT32:
    return "<f4";
  case FMC_DTYPE_FLOAT64:
    return "<f8";
  case FMC_DTYPE_INT8:
    return "|i1";
  case FMC_DTYPE_INT16:
    return "<i2";
  case FMC_DTYPE_INT32:
    return "<i4";
  case FMC_DTYPE_INT64:
    return "<i8";
  case FMC_DTYPE_UINT8:
    return "|u1";
  case FMC_DTYPE_UINT16:
    return "<u2";
  case FMC_DTYPE_UINT32:
    return "<u4";
  case FMC_DTYPE_UINT64:
    return "<u8";
  case FMC_DTYPE_BOOL:
    return "|b1";
  default:
    return nullptr;
  }
}

/// A parser for the header, a Python dict literal such as
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : rest(text) {}

  llvm::Error parse(std::string &descr, bool &fortranOrder,
                    std::vector<int64_t> &shape) {
    bool seenDescr = false, seenOrder = false, seenShape = false;
    if (!consume('{'))
      return error("expected '{'");
    while (!consume('}')) {
      std::string key;
      if (!parseString(key))
        return error("expected a quoted key");
      if (!consume(':'))
        return error("expected ':' after '" + key + "'");
      if (key == "descr") {
        if (!parseString(descr))
          return error("'descr' is not a string (structured arrays are not "
                       "supported)");
        seenDescr = true;
      } else if (key == "fortran_order") {
        if (consumeWord("True"))
          fortranOrder = true;
        else if (consumeWord("False"))
          fortranOrder = false;
        else
          return error("'fortran_order' is not True or False");
        seenOrder = true;
      } else if (key == "shape") {
        if (!parseShape(shape))
          return error("'shape' is not a tuple of non-negative integers");
        seenShape = true;
      } else {
        return error("unexpected key '" + key + "'");
      }
      if (!consume(',') && !peek('}'))
        return error("expected ',' or '}'");
    }
    if (!seenDescr || !seenOrder || !seenShape)
      return error("'descr', 'fortran_order' or 'shape' is missing");
    return llvm::Error::success();
  }

private:
  llvm::Error error(const llvm::Twine &message) {
    return makeError("bad header: " + message);
  }

  void skipSpace() { rest = rest.ltrim(" \t\n"); }

  bool peek(char c) {
    skipSpace();
    return rest.starts_with(StringRef(&c, 1));
  }

  bool consume(char c) {
    if (!peek(c))
      return false;
    rest = rest.drop_front();
    return true;
  }

  bool consumeWord(StringRef word) {
    skipSpace();
    return rest.consume_front(word);
  }

  bool parseString(std::string &out) {
    skipSpace();
    if (rest.empty() || (rest[0] != '\'' && rest[0] != '"'))
      return false;
    char quote = rest[0];
    size_t end = rest.find(quote, 1);
    if (end == StringRef::npos)
      return false;
    out = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return true;
  }

  bool parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('('))
      return false;
    while (!consume(')')) {
      skipSpace();
      size_t digits = rest.find_first_not_of("0123456789");
      if (digits == 0 || digits == StringRef::npos)
        return false;
      int64_t dim;
      if (rest.take_front(digits).getAsInteger(10, dim))
        return false;
      shape.push_back(dim);
      rest = rest.drop_front(digits);
      if (!consume(',') && !peek(')'))
        return false;
    }
    return true;
  }

  StringRef rest;
};

/// Size in bytes of a dense array, or an error on overflow.
llvm::Expected<uint64_t> arrayBytes(fmc_dtype_t dtype,
                                    llvm::ArrayRef<int64_t> shape) {
  uint64_t bytes = fmc_dtype_size(dtype);
  for (int64_t dim : shape) {
    if (dim != 0 && bytes > (uint64_t(1) << 62) / uint64_t(dim))
      return makeError("shape " + fmc::formatShape(shape.data(), shape.size()) +
                       " is too large");
    bytes *= uint64_t(dim);
  }
  return bytes;
}

} // namespace

llvm::Expected<NpyArray> parseNpy(StringRef bytes) {
  if (!bytes.starts_with(kMagic))
    return makeError("not a .npy file (it does not start with \\x93NUMPY)");
  if (bytes.size() < 10)
    return makeError("truncated header");
  uint8_t major = uint8_t(bytes[6]);
  size_t headerLengthSize;
  if (major == 1)
    headerLengthSize = 2;
  else if (major == 2 || major == 3)
    headerLengthSize = 4;
  else
    return makeError("unsupported .npy format version " + llvm::Twine(major) +
                     "." + llvm::Twine(uint8_t(bytes[7])));
  size_t prefix = 8 + headerLengthSize;
  if (bytes.size() < prefix)
    return makeError("truncated header");
  uint64_t headerLength =
      headerLengthSize == 2 ? llvm::support::endian::read16le(bytes.data() + 8)
                            : llvm::support::endian::read32le(bytes.data() + 8);
  if (bytes.size() - prefix < headerLength)
    return makeError("truncated header");
  StringRef header = bytes.substr(prefix, headerLength);

  NpyArray array;
  std::string descr;
  bool fortranOrder = false;
  if (llvm::Error err =
          HeaderParser(header).parse(descr, fortranOrder, array.shape))
    return std::move(err);
  if (fortranOrder)
    return makeError("Fortran-order arrays are not supported; save a C-order "
                     "copy (np.ascontiguousarray)");
  llvm::Expected<fmc_dtype_t> dtype = parseDescr(descr);
  if (!dtype)
    return dtype.takeError();
  array.dtype = *dtype;
  array.untypedBytes = StringRef(descr).drop_front() == "V1" ||
                       StringRef(descr).drop_front() == "f1";
  llvm::Expected<uint64_t> expected = arrayBytes(array.dtype, array.shape);
  if (!expected)
    return expected.takeError();
  StringRef data = bytes.drop_front(prefix + headerLength);
  if (data.size() != *expected)
    return makeError(llvm::Twine(data.size() < *expected ? "truncated data"
                                                         : "unexpected data") +
                     ": " + descr + " " + fmc::formatShape(array.shape) +
                     " needs " + llvm::Twine(*expected) +
                     " bytes, the file has " + llvm::Twine(data.size()));
  array.data.assign(data.bytes_begin(), data.bytes_end());
  return array;
}

llvm::Expected<NpyArray> readNpy(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  llvm::Expected<NpyArray> array = parseNpy((*buffer)->getBuffer());
  if (!array)
    return makeError(path + ": " + llvm::toString(array.takeError()));
  return array;
}

llvm::Error writeNpy(StringRef path, fmc_dtype_t dtype,
                     llvm::ArrayRef<int64_t> shape, const void *data,
                     size_t nbytes) {
  std::vector<uint8_t> widened;
  const uint8_t *in = static_cast<const uint8_t *>(data);
  const llvm::fltSemantics *smallFloat = smallFloatSemantics(dtype);
  if (dtype == FMC_DTYPE_BFLOAT16 || smallFloat) {
    size_t size = fmc_dtype_size(dtype), count = nbytes / size;
    widened.resize(count * 4);
    for (size_t i = 0; i < count; ++i) {
      float value =
          smallFloat
              ? smallFloatToFloat(in[i], *smallFloat)
              : bfloat16ToFloat(llvm::support::endian::read16le(in + 2 * i));
      std::memcpy(widened.data() + 4 * i, &value, 4);
    }
    dtype = FMC_DTYPE_FLOAT32;
    data = widened.data();
    nbytes = widened.size();
  } else if (unsigned bits = subByteIntBits(dtype)) {
    bool isSigned = dtype == FMC_DTYPE_INT4 || dtype == FMC_DTYPE_INT2;
    widened.resize(nbytes);
    for (size_t i = 0; i < nbytes; ++i) {
      unsigned shift = 8 - bits;
      widened[i] = isSigned ? uint8_t(int8_t(uint8_t(in[i] << shift)) >> shift)
                            : uint8_t(in[i] & ((1u << bits) - 1));
    }
    dtype = isSigned ? FMC_DTYPE_INT8 : FMC_DTYPE_UINT8;
    data = widened.data();
  }
  const char *descr = descrFor(dtype);
  if (!descr)
    return makeError(path + ": cannot write dtype " + fmc_dtype_name(dtype) +
                     " to .npy");

  std::string shapeText = "(";
  for (int64_t dim : shape)
    shapeText += std::to_string(dim) + ", ";
  if (shape.size() > 1)
    shapeText.resize(shapeText.size() - 2);
  else if (shape.size() == 1)
    shapeText.pop_back(); // "(5,)"
  shapeText += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shapeText +
                       ", }";
  // Pad with spaces and a newline so that the data starts 64-byte aligned.
  size_t total = kMagic.size() + 2 + 2 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > UINT16_MAX)
    return makeError(path + ": the shape is too long for a .npy header");

  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  char lengthBytes[2];
  llvm::support::endian::write16le(lengthBytes, uint16_t(header.size()));
  out << kMagic << '\x01' << '\x00' << StringRef(lengthBytes, 2) << header;
  out.write(static_cast<const char *>(data), nbytes);
  out.close();
  if (out.has_error()) {
    std::error_code writeError = out.error();
    out.clear_error();
    return makeError("cannot write '" + path + "': " + writeError.message());
  }
  return llvm::Error::success();
}

} // namespace fmc::tool
