//===- Metadata.cpp - Encoding and checking the META section --------------===//

#include "runtime/src/artifact/Metadata.h"

#include "runtime/src/artifact/ByteIO.h"
#include "runtime/src/base/Dtype.h"

#include <set>

namespace fmc::artifact {

namespace {

/// Smallest encodings, used to reject counts that cannot fit in the section
/// before allocating anything for them.
constexpr uint64_t kMinTensorBytes = 4 + 4 + 4; // name length, dtype, rank
constexpr uint64_t kMinWeightBytes = kMinTensorBytes + 8 + 8;

void appendString(std::vector<uint8_t> &out, const std::string &s) {
  appendLE32(out, uint32_t(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

void appendTensor(std::vector<uint8_t> &out, const TensorDesc &t) {
  appendString(out, t.name);
  appendLE32(out, t.dtype);
  appendLE32(out, uint32_t(t.shape.size()));
  for (int64_t dim : t.shape)
    appendLE64(out, uint64_t(dim));
}

/// A bounds-checked cursor over the META bytes.
class Decoder {
public:
  Decoder(const uint8_t *data, uint64_t size) : data(data), size(size) {}

  uint64_t offset() const { return pos; }
  uint64_t remaining() const { return size - pos; }
  const std::string &error() const { return err; }

  bool u32(uint32_t &out, const char *what) {
    if (!need(4, what))
      return false;
    out = readLE32(data + pos);
    pos += 4;
    return true;
  }

  bool u64(uint64_t &out, const char *what) {
    if (!need(8, what))
      return false;
    out = readLE64(data + pos);
    pos += 8;
    return true;
  }

  bool str(std::string &out, const char *what) {
    uint64_t at = pos;
    uint32_t length;
    if (!u32(length, what))
      return false;
    if (length > remaining())
      return fail(std::string(what) + " at offset " + std::to_string(at) +
                  " has length " + std::to_string(length) + ", but only " +
                  std::to_string(remaining()) + " bytes remain");
    out.assign(reinterpret_cast<const char *>(data + pos), length);
    pos += length;
    return true;
  }

  /// Reads a count of items that take at least `minItemBytes` each.
  bool count(uint32_t &out, uint64_t minItemBytes, const char *what) {
    if (!u32(out, what))
      return false;
    if (uint64_t(out) * minItemBytes > remaining())
      return fail(std::string(what) + " " + std::to_string(out) +
                  " cannot fit in the " + std::to_string(remaining()) +
                  " remaining bytes");
    return true;
  }

  bool tensor(TensorDesc &out, const char *what) {
    uint32_t rank;
    if (!str(out.name, what) || !u32(out.dtype, what) || !u32(rank, what))
      return false;
    if (uint64_t(rank) * 8 > remaining())
      return fail(std::string(what) + " '" + out.name + "' has rank " +
                  std::to_string(rank) + ", but only " +
                  std::to_string(remaining()) + " bytes remain");
    out.shape.resize(rank);
    for (int64_t &dim : out.shape) {
      uint64_t value;
      u64(value, what);
      dim = int64_t(value);
    }
    return true;
  }

  bool fail(std::string message) {
    if (err.empty())
      err = std::move(message);
    return false;
  }

private:
  bool need(uint64_t bytes, const char *what) {
    if (bytes <= remaining())
      return true;
    return fail("truncated at offset " + std::to_string(pos) + " reading " +
                what);
  }

  const uint8_t *data;
  uint64_t size;
  uint64_t pos = 0;
  std::string err;
};

bool checkString(const std::string &s, const std::string &what,
                 std::string &error) {
  if (s.size() > UINT32_MAX) {
    error = what + " is longer than 4 GiB";
    return false;
  }
  if (s.find('\0') != std::string::npos) {
    error = what + " contains a NUL byte";
    return false;
  }
  return true;
}

bool checkTensor(const TensorDesc &t, const std::string &what,
                 uint64_t &outBytes, std::string &error) {
  if (!checkString(t.name, what + " name", error))
    return false;
  std::string reason;
  if (!tensorByteSize(t.dtype, t.shape, outBytes, reason)) {
    error = what + " '" + t.name + "': " + reason;
    return false;
  }
  return true;
}

bool checkTensorList(const std::vector<TensorDesc> &list, const char *what,
                     std::string &error) {
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string label = std::string(what) + " " + std::to_string(i);
    uint64_t bytes;
    if (!checkTensor(list[i], label, bytes, error))
      return false;
    if (list[i].name.empty()) {
      error = label + " has an empty name";
      return false;
    }
    if (!names.insert(list[i].name).second) {
      error = "duplicate " + std::string(what) + " name '" + list[i].name + "'";
      return false;
    }
  }
  return true;
}

} // namespace

void encodeMetadata(const Metadata &meta, std::vector<uint8_t> &out) {
  bool version2 = !meta.device.empty() || meta.arenaBytes != 0;
  appendLE32(out, version2 ? kMetaVersionDevice : kMetaVersion);
  appendString(out, meta.entrySymbol);
  appendString(out, meta.targetTriple);
  appendString(out, meta.targetCpu);
  if (version2) {
    appendString(out, meta.device);
    appendLE64(out, meta.arenaBytes);
  }
  appendString(out, meta.sourceName);
  appendLE32(out, uint32_t(meta.inputs.size()));
  for (const TensorDesc &t : meta.inputs)
    appendTensor(out, t);
  appendLE32(out, uint32_t(meta.outputs.size()));
  for (const TensorDesc &t : meta.outputs)
    appendTensor(out, t);
  appendLE32(out, uint32_t(meta.weights.size()));
  for (const WeightEntry &w : meta.weights) {
    appendTensor(out, w.desc);
    appendLE64(out, w.offset);
    appendLE64(out, w.nbytes);
  }
}

bool decodeMetadata(const uint8_t *data, uint64_t size, Metadata &out,
                    std::string &error, bool &unsupported) {
  unsupported = false;
  Decoder d(data, size);
  auto failed = [&] {
    error = d.error();
    return false;
  };
  uint32_t version;
  if (!d.u32(version, "META version"))
    return failed();
  if (version != kMetaVersion && version != kMetaVersionDevice) {
    unsupported = true;
    error = "unsupported META version " + std::to_string(version) +
            " (this runtime reads " + std::to_string(kMetaVersion) + " and " +
            std::to_string(kMetaVersionDevice) + ")";
    return false;
  }
  if (!d.str(out.entrySymbol, "entry symbol") ||
      !d.str(out.targetTriple, "target triple") ||
      !d.str(out.targetCpu, "target CPU") ||
      (version == kMetaVersionDevice &&
       (!d.str(out.device, "device") ||
        !d.u64(out.arenaBytes, "arena size"))) ||
      !d.str(out.sourceName, "source name"))
    return failed();

  uint32_t count;
  if (!d.count(count, kMinTensorBytes, "input count"))
    return failed();
  out.inputs.resize(count);
  for (TensorDesc &t : out.inputs)
    if (!d.tensor(t, "input"))
      return failed();

  if (!d.count(count, kMinTensorBytes, "output count"))
    return failed();
  out.outputs.resize(count);
  for (TensorDesc &t : out.outputs)
    if (!d.tensor(t, "output"))
      return failed();

  if (!d.count(count, kMinWeightBytes, "weight count"))
    return failed();
  out.weights.resize(count);
  for (WeightEntry &w : out.weights)
    if (!d.tensor(w.desc, "weight") || !d.u64(w.offset, "weight offset") ||
        !d.u64(w.nbytes, "weight size"))
      return failed();

  if (d.remaining() != 0) {
    d.fail(std::to_string(d.remaining()) +
           " unexpected bytes after the weight list");
    return failed();
  }
  return true;
}

bool verifyMetadata(const Metadata &meta, uint64_t weightsSize,
                    std::string &error) {
  if (meta.entrySymbol.empty()) {
    error = "the entry symbol is empty";
    return false;
  }
  if (!checkString(meta.entrySymbol, "the entry symbol", error) ||
      !checkString(meta.targetTriple, "the target triple", error) ||
      !checkString(meta.targetCpu, "the target CPU", error) ||
      !checkString(meta.device, "the device", error) ||
      !checkString(meta.sourceName, "the source name", error) ||
      !checkTensorList(meta.inputs, "input", error) ||
      !checkTensorList(meta.outputs, "output", error))
    return false;
  if (meta.inputs.size() > UINT32_MAX || meta.outputs.size() > UINT32_MAX ||
      meta.weights.size() > UINT32_MAX) {
    error = "too many tensors";
    return false;
  }
  for (size_t i = 0; i < meta.weights.size(); ++i) {
    const WeightEntry &w = meta.weights[i];
    std::string label = "weight " + std::to_string(i);
    uint64_t bytes;
    if (!checkTensor(w.desc, label, bytes, error))
      return false;
    label += " ('" + w.desc.name + "')";
    if (w.nbytes != bytes) {
      error = label + " has " + std::to_string(w.nbytes) + " bytes, but " +
              dtypeToString(w.desc.dtype) + " " + formatShape(w.desc.shape) +
              " needs " + std::to_string(bytes);
      return false;
    }
    if (w.offset % kWeightAlignment != 0) {
      error = label + " offset " + std::to_string(w.offset) + " is not " +
              std::to_string(kWeightAlignment) + "-byte aligned";
      return false;
    }
    if (w.offset > weightsSize || weightsSize - w.offset < w.nbytes) {
      error = label + " [" + std::to_string(w.offset) + ", +" +
              std::to_string(w.nbytes) +
              ") lies outside the WEIGHTS section (" +
              std::to_string(weightsSize) + " bytes)";
      return false;
    }
  }
  return true;
}

} // namespace fmc::artifact
