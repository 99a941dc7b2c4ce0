//===- RuntimeSupport.cpp - fmc runtime helpers for the tool --------------===//

#include "tools/fmc/RuntimeSupport.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

namespace fmc::tool {

namespace {

uint16_t convertFromFloat(float value, const llvm::fltSemantics &semantics) {
  llvm::APFloat converted(value);
  bool losesInfo;
  converted.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return uint16_t(converted.bitcastToAPInt().getZExtValue());
}

float convertToFloat(uint16_t bits, const llvm::fltSemantics &semantics) {
  unsigned width = llvm::APFloat::semanticsSizeInBits(semantics);
  llvm::APFloat value(semantics,
                      llvm::APInt(width, bits & ((1u << width) - 1)));
  bool losesInfo;
  value.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToFloat();
}

template <typename T> T load(const void *data, size_t index) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + index * sizeof(T),
              sizeof(T));
  return value;
}

template <typename T> void store(void *data, size_t index, T value) {
  std::memcpy(static_cast<char *>(data) + index * sizeof(T), &value, sizeof(T));
}

std::vector<fmc_tensor_info_t> infos(const fmc_model_t *model, bool inputs) {
  size_t count =
      inputs ? fmc_model_input_count(model) : fmc_model_output_count(model);
  std::vector<fmc_tensor_info_t> result(count);
  for (size_t i = 0; i < count; ++i) {
    // Indexes below the count cannot fail.
    fmc_status_free(inputs ? fmc_model_input_info(model, i, &result[i])
                           : fmc_model_output_info(model, i, &result[i]));
  }
  return result;
}

} // namespace

llvm::Error toError(fmc_status_t *status) {
  if (!status)
    return llvm::Error::success();
  llvm::Error error = llvm::createStringError(llvm::inconvertibleErrorCode(),
                                              fmc_status_message(status));
  fmc_status_free(status);
  return error;
}

llvm::Expected<LoadedModel> loadModel(llvm::StringRef path, unsigned threads,
                                      bool cudaGraph) {
  LoadedModel loaded;
  fmc_model_t *model = nullptr;
  if (llvm::Error err = toError(fmc_model_open(path.str().c_str(), &model)))
    return std::move(err);
  loaded.model.reset(model);
  fmc_session_t *session = nullptr;
  if (llvm::Error err = toError(fmc_session_create(model, &session)))
    return std::move(err);
  loaded.session.reset(session);
  if (llvm::Error err = toError(fmc_session_set_threads(session, threads)))
    return std::move(err);
  if (cudaGraph)
    if (llvm::Error err = toError(fmc_session_set_cuda_graph(session, 1)))
      return std::move(err);
  return loaded;
}

std::vector<fmc_tensor_info_t> inputInfos(const fmc_model_t *model) {
  return infos(model, /*inputs=*/true);
}

std::vector<fmc_tensor_info_t> outputInfos(const fmc_model_t *model) {
  return infos(model, /*inputs=*/false);
}

void fillRandom(fmc_dtype_t dtype, void *data, size_t nbytes,
                std::mt19937_64 &rng) {
  size_t count = nbytes / fmc_dtype_size(dtype);
  // Uniform in [-1, 1) from the top 24 bits, exact in every float type.
  auto uniform = [&rng] { return float(rng() >> 40) * 0x1p-23f - 1.0f; };
  auto bit = [&rng] { return uint8_t(rng() >> 63); };
  for (size_t i = 0; i < count; ++i) {
    switch (dtype) {
    case FMC_DTYPE_FLOAT32:
      store<float>(data, i, uniform());
      break;
    case FMC_DTYPE_FLOAT64:
      store<double>(data, i, uniform());
      break;
    case FMC_DTYPE_FLOAT16:
      store<uint16_t>(data, i, floatToHalf(uniform()));
      break;
    case FMC_DTYPE_BFLOAT16:
      store<uint16_t>(data, i, floatToBfloat16(uniform()));
      break;
    case FMC_DTYPE_INT8:
    case FMC_DTYPE_UINT8:
    case FMC_DTYPE_BOOL:
    case FMC_DTYPE_INT4:
    case FMC_DTYPE_UINT4:
    case FMC_DTYPE_INT2:
    case FMC_DTYPE_UINT2:
      store<uint8_t>(data, i, bit());
      break;
    case FMC_DTYPE_INT16:
    case FMC_DTYPE_UINT16:
      store<uint16_t>(data, i, bit());
      break;
    case FMC_DTYPE_INT32:
    case FMC_DTYPE_UINT32:
      store<uint32_t>(data, i, bit());
      break;
    case FMC_DTYPE_INT64:
    case FMC_DTYPE_UINT64:
      store<uint64_t>(data, i, bit());
      break;
    default:
      if (const llvm::fltSemantics *semantics = smallFloatSemantics(dtype)) {
        store<uint8_t>(data, i,
                       uint8_t(convertFromFloat(uniform(), *semantics)));
        break;
      }
      std::memset(data, 0, nbytes);
      return;
    }
  }
}

llvm::Error setRandomInputs(const LoadedModel &loaded,
                            const std::vector<bool> &given, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> buffer;
  std::vector<fmc_tensor_info_t> inputs = inputInfos(loaded.model.get());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i < given.size() && given[i])
      continue;
    const fmc_tensor_info_t &info = inputs[i];
    buffer.assign(info.nbytes, 0);
    fillRandom(info.dtype, buffer.data(), buffer.size(), rng);
    if (llvm::Error err = toError(fmc_session_set_input(
            loaded.session.get(), info.name, info.dtype, info.shape, info.rank,
            buffer.data(), buffer.size())))
      return err;
  }
  return llvm::Error::success();
}

std::string formatElement(fmc_dtype_t dtype, const void *data, size_t index) {
  std::string text;
  llvm::raw_string_ostream os(text);
  switch (dtype) {
  case FMC_DTYPE_FLOAT32:
    os << llvm::format("%g", double(load<float>(data, index)));
    break;
  case FMC_DTYPE_FLOAT64:
    os << llvm::format("%g", load<double>(data, index));
    break;
  case FMC_DTYPE_FLOAT16:
    os << llvm::format("%g", double(halfToFloat(load<uint16_t>(data, index))));
    break;
  case FMC_DTYPE_BFLOAT16:
    os << llvm::format("%g",
                       double(bfloat16ToFloat(load<uint16_t>(data, index))));
    break;
  case FMC_DTYPE_BOOL:
    os << (load<uint8_t>(data, index) ? "true" : "false");
    break;
  case FMC_DTYPE_INT8:
    os << int(load<int8_t>(data, index));
    break;
  case FMC_DTYPE_UINT8:
    os << unsigned(load<uint8_t>(data, index));
    break;
  case FMC_DTYPE_INT16:
    os << load<int16_t>(data, index);
    break;
  case FMC_DTYPE_UINT16:
    os << load<uint16_t>(data, index);
    break;
  case FMC_DTYPE_INT32:
    os << load<int32_t>(data, index);
    break;
  case FMC_DTYPE_UINT32:
    os << load<uint32_t>(data, index);
    break;
  case FMC_DTYPE_INT64:
    os << load<int64_t>(data, index);
    break;
  case FMC_DTYPE_UINT64:
    os << load<uint64_t>(data, index);
    break;
  default:
    if (const llvm::fltSemantics *semantics = smallFloatSemantics(dtype)) {
      os << llvm::format("%g", double(smallFloatToFloat(
                                   load<uint8_t>(data, index), *semantics)));
    } else if (unsigned bits = subByteIntBits(dtype)) {
      uint8_t value = load<uint8_t>(data, index) & ((1u << bits) - 1);
      bool negative = (dtype == FMC_DTYPE_INT4 || dtype == FMC_DTYPE_INT2) &&
                      (value >> (bits - 1));
      os << (negative ? int(value) - (1 << bits) : int(value));
    } else {
      os << "?";
    }
    break;
  }
  return text;
}

std::string formatMs(double ms) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format(ms >= 1 ? "%.3f ms" : "%.3g ms", ms);
  return text;
}

float halfToFloat(uint16_t bits) {
  return convertToFloat(bits, llvm::APFloat::IEEEhalf());
}

uint16_t floatToHalf(float value) {
  return convertFromFloat(value, llvm::APFloat::IEEEhalf());
}

float bfloat16ToFloat(uint16_t bits) {
  return convertToFloat(bits, llvm::APFloat::BFloat());
}

uint16_t floatToBfloat16(float value) {
  return convertFromFloat(value, llvm::APFloat::BFloat());
}

const llvm::fltSemantics *smallFloatSemantics(fmc_dtype_t dtype) {
  switch (dtype) {
  case FMC_DTYPE_FLOAT8E4M3FN:
    return &llvm::APFloat::Float8E4M3FN();
  case FMC_DTYPE_FLOAT8E4M3FNUZ:
    return &llvm::APFloat::Float8E4M3FNUZ();
  case FMC_DTYPE_FLOAT8E5M2:
    return &llvm::APFloat::Float8E5M2();
  case FMC_DTYPE_FLOAT8E5M2FNUZ:
    return &llvm::APFloat::Float8E5M2FNUZ();
  case FMC_DTYPE_FLOAT4E2M1:
    return &llvm::APFloat::Float4E2M1FN();
  default:
    return nullptr;
  }
}

float smallFloatToFloat(uint8_t bits, const llvm::fltSemantics &semantics) {
  return convertToFloat(bits, semantics);
}

unsigned subByteIntBits(fmc_dtype_t dtype) {
  switch (dtype) {
  case FMC_DTYPE_INT4:
  case FMC_DTYPE_UINT4:
    return 4;
  case FMC_DTYPE_INT2:
  case FMC_DTYPE_UINT2:
    return 2;
  default:
    return 0;
  }
}

} // namespace fmc::tool
