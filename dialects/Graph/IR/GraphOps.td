//===- GraphOps.td - fmc graph dialect ops -----------------*- tablegen -*-===//

#ifndef FMC_GRAPH_OPS
#define FMC_GRAPH_OPS

include "dialects/Graph/IR/GraphBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "A constant tensor (weights, shape vectors, scalars)";
  let description = [{
    Small constants are dense element attributes; weights imported from a model
    are `dense_resource` blobs, which hold their bytes outside the IR text.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)> {
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// True for comparisons and logical ops, whose result is i1.
    static bool hasBoolResult();
  }];
}

def Graph_AddOp : Graph_BinaryOp<"add", [Commutative]> {
  let summary = "Elementwise addition with numpy broadcasting";
}
def Graph_SubOp : Graph_BinaryOp<"sub"> {
  let summary = "Elementwise subtraction with numpy broadcasting";
}
def Graph_MulOp : Graph_BinaryOp<"mul", [Commutative]> {
  let summary = "Elementwise multiplication with numpy broadcasting";
}
def Graph_DivOp : Graph_BinaryOp<"div"> {
  let summary = "Elementwise division (integer division truncates)";
}
def Graph_PowOp : Graph_BinaryOp<"pow"> {
  let summary = "Elementwise power; the exponent may have another type";
}
def Graph_MaxOp : Graph_BinaryOp<"max", [Commutative]> {
  let summary = "Elementwise maximum";
}
def Graph_MinOp : Graph_BinaryOp<"min", [Commutative]> {
  let summary = "Elementwise minimum";
}
def Graph_EqualOp : Graph_BinaryOp<"equal", [Commutative]> {
  let summary = "Elementwise equality, i1 result";
}
def Graph_LessOp : Graph_BinaryOp<"less"> {
  let summary = "Elementwise less-than, i1 result";
}
def Graph_GreaterOp : Graph_BinaryOp<"greater"> {
  let summary = "Elementwise greater-than, i1 result";
}
def Graph_AndOp : Graph_BinaryOp<"and", [Commutative]> {
  let summary = "Elementwise logical and of i1 tensors";
}
def Graph_OrOp : Graph_BinaryOp<"or", [Commutative]> {
  let summary = "Elementwise logical or of i1 tensors";
}

def Graph_GreaterEqualOp : Graph_BinaryOp<"greater_equal"> {
  let summary = "Elementwise greater-or-equal, i1 result";
}
def Graph_LessEqualOp : Graph_BinaryOp<"less_equal"> {
  let summary = "Elementwise less-or-equal, i1 result";
}
def Graph_XorOp : Graph_BinaryOp<"xor", [Commutative]> {
  let summary = "Elementwise logical exclusive or of i1 tensors";
}
def Graph_ModOp : Graph_BinaryOp<"mod"> {
  let summary = "Remainder with the sign of the divisor (Python %)";
}
def Graph_FModOp : Graph_BinaryOp<"fmod"> {
  let summary = "Remainder with the sign of the dividend (C fmod)";
}
def Graph_BitwiseAndOp : Graph_BinaryOp<"bitwise_and", [Commutative]> {
  let summary = "Elementwise bitwise and of integers";
}
def Graph_BitwiseOrOp : Graph_BinaryOp<"bitwise_or", [Commutative]> {
  let summary = "Elementwise bitwise or of integers";
}
def Graph_BitwiseXorOp : Graph_BinaryOp<"bitwise_xor", [Commutative]> {
  let summary = "Elementwise bitwise exclusive or of integers";
}
def Graph_ShiftLeftOp : Graph_BinaryOp<"shift_left"> {
  let summary = "Elementwise left shift; amounts out of [0, width) give 0";
}
def Graph_ShiftRightOp : Graph_BinaryOp<"shift_right"> {
  let summary = "Elementwise right shift: logical if unsigned, else arithmetic";
}

class Graph_UnaryOp<string mnemonic, Type operandType = Graph_Tensor,
                    list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType,
                                      InferTypeOpInterface], traits)> {
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Graph_NegOp : Graph_UnaryOp<"neg"> {
  let summary = "Negation";
  let hasFolder = 1;
}
def Graph_AbsOp : Graph_UnaryOp<"abs"> {
  let summary = "Absolute value";
  let hasFolder = 1;
}
def Graph_SqrtOp : Graph_UnaryOp<"sqrt", Graph_FloatTensor> {
  let summary = "Square root";
}
def Graph_ExpOp : Graph_UnaryOp<"exp", Graph_FloatTensor> {
  let summary = "Natural exponential";
}
def Graph_LogOp : Graph_UnaryOp<"log", Graph_FloatTensor> {
  let summary = "Natural logarithm";
}
def Graph_ErfOp : Graph_UnaryOp<"erf", Graph_FloatTensor> {
  let summary = "Gauss error function";
}
def Graph_TanhOp : Graph_UnaryOp<"tanh", Graph_FloatTensor> {
  let summary = "Hyperbolic tangent";
}
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", Graph_FloatTensor> {
  let summary = "Logistic sigmoid 1 / (1 + exp(-x))";
}
def Graph_ReluOp : Graph_UnaryOp<"relu"> { let summary = "max(x, 0)"; }
def Graph_GeluOp : Graph_UnaryOp<"gelu", Graph_FloatTensor> {
  let summary = "Gaussian error linear unit, exact or tanh-approximated";
  let description = [{
    `approximate = "none"`: 0.5 x (1 + erf(x / sqrt(2))).
    `approximate = "tanh"`: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
  }];
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let hasVerifier = 1;
}
def Graph_SiluOp : Graph_UnaryOp<"silu", Graph_FloatTensor> {
  let summary = "x * sigmoid(x) (SiLU, Swish-1); SwiGLU is silu(gate) * up";
}

def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal", Graph_FloatTensor> {
  let summary = "1 / x";
}
def Graph_NotOp : Graph_UnaryOp<"not", Graph_BoolTensor> {
  let summary = "Logical not";
  let hasFolder = 1;
}

def Graph_CeilOp : Graph_UnaryOp<"ceil", Graph_FloatTensor> {
  let summary = "Round toward +inf";
}
def Graph_FloorOp : Graph_UnaryOp<"floor", Graph_FloatTensor> {
  let summary = "Round toward -inf";
}
def Graph_RoundOp : Graph_UnaryOp<"round", Graph_FloatTensor> {
  let summary = "Round to nearest, halves to even";
}
def Graph_SignOp : Graph_UnaryOp<"sign"> {
  let summary = "-1, 0 or 1 by the sign of x; NaN stays NaN";
}
def Graph_SinOp : Graph_UnaryOp<"sin", Graph_FloatTensor> { let summary = "Sine"; }
def Graph_CosOp : Graph_UnaryOp<"cos", Graph_FloatTensor> { let summary = "Cosine"; }
def Graph_TanOp : Graph_UnaryOp<"tan", Graph_FloatTensor> { let summary = "Tangent"; }
def Graph_AsinOp : Graph_UnaryOp<"asin", Graph_FloatTensor> {
  let summary = "Arcsine";
}
def Graph_AcosOp : Graph_UnaryOp<"acos", Graph_FloatTensor> {
  let summary = "Arccosine";
}
def Graph_AtanOp : Graph_UnaryOp<"atan", Graph_FloatTensor> {
  let summary = "Arctangent";
}
def Graph_SinhOp : Graph_UnaryOp<"sinh", Graph_FloatTensor> {
  let summary = "Hyperbolic sine";
}
def Graph_CoshOp : Graph_UnaryOp<"cosh", Graph_FloatTensor> {
  let summary = "Hyperbolic cosine";
}
def Graph_AsinhOp : Graph_UnaryOp<"asinh", Graph_FloatTensor> {
  let summary = "Inverse hyperbolic sine";
}
def Graph_AcoshOp : Graph_UnaryOp<"acosh", Graph_FloatTensor> {
  let summary = "Inverse hyperbolic cosine";
}
def Graph_AtanhOp : Graph_UnaryOp<"atanh", Graph_FloatTensor> {
  let summary = "Inverse hyperbolic tangent";
}
def Graph_BitwiseNotOp : Graph_UnaryOp<"bitwise_not"> {
  let summary = "Bitwise complement of integers";
}

class Graph_FloatTestOp<string mnemonic>
    : Graph_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Graph_IsNaNOp : Graph_FloatTestOp<"is_nan"> {
  let summary = "True where x is NaN";
}
def Graph_IsInfOp : Graph_FloatTestOp<"is_inf"> {
  let summary = "True where x is +inf or -inf";
}

def Graph_CastOp : Graph_Op<"cast", [Pure]> {
  let summary = "Elementwise conversion to another element type";
  let description = [{
    Float to integer conversion truncates toward zero and wraps to the
    result's width (so a 4-bit result keeps the low 4 bits); conversion to i1
    is a comparison with zero; integers are signed unless their type is
    unsigned. Float to float conversion rounds to nearest even. Without
    `saturate`, values beyond the result's range become infinity, or NaN in
    formats without infinity (f8E4M3FN, the FNUZ formats). With `saturate`
    (only for float results), they and infinities become the largest finite
    value of that sign; NaN stays NaN, or becomes zero in f4E2M1FN, which has
    neither.
  }];
  let arguments = (ins Graph_Tensor:$input, UnitAttr:$saturate);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_BitcastOp : Graph_Op<"bitcast", [Pure]> {
  let summary = "Reinterpret each element's bits as another type of the "
                "same width";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
}

def Graph_WhereOp : Graph_Op<"where", [Pure, InferTypeOpAdaptor]> {
  let summary = "Select elementwise between two tensors, with broadcasting";
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$true_value,
                       Graph_Tensor:$false_value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and normalization
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "numpy matmul: batched, broadcast batch dims, 1-D promotion";
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [Pure, SameOperandsAndResultType,
                                           InferTypeOpInterface]> {
  let summary = "Softmax along one axis";
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Graph_AttentionOp : Graph_Op<"attention", [Pure,
                                               AttrSizedOperandSegments]> {
  let summary = "Scaled dot-product attention with grouped key/value heads";
  let description = [{
    query [B, H, S, D], key [B, Hkv, T, D], value [B, Hkv, T, Dv] and the
    result [B, H, S, Dv]; query head h reads key/value head h / (H / Hkv)
    (multi-head, grouped-query and multi-query attention).

      result[b, h, i] = sum_j softmax_j(score[i, j]) * value[b, h', j]
      score[i, j] = scale * dot(query[b, h, i], key[b, h', j])
                    + mask[b, h, i, j]

    `mask` is an optional mask that broadcasts to [B, H, S, T]: additive
    (the element type of the scores; -inf removes a key) or boolean (i1;
    false removes a key). With `causal`, key j is visible to
    query i only when j <= i + T - S (queries are the last S positions of
    the T keys, as when decoding with a KV cache). A query that sees no key
    gets a zero row. Lowerings must not materialize the S x T scores: the
    CPU lowering is the FlashAttention loop over key tiles with an online
    softmax.

    Decoding with a KV cache: with `past` past_key [B, Hkv, P, D] and
    past_value [B, Hkv, P, Dv], the keys and values attended to are the
    cache followed by `key` and `value` (T = P + new keys), and the op has
    two more results, present_key and present_value [B, Hkv, T, *]: the
    cache for the next step. The causal offset and the mask's last dim
    refer to that full T.
  }];
  let arguments = (ins Graph_FloatTensor:$query, Graph_FloatTensor:$key,
                       Graph_FloatTensor:$value,
                       Optional<Graph_Tensor>:$mask,
                       Optional<Graph_FloatTensor>:$past_key,
                       Optional<Graph_FloatTensor>:$past_value,
                       F64Attr:$scale, BoolAttr:$causal);
  let results = (outs Graph_FloatTensor:$result,
                      Variadic<Graph_FloatTensor>:$present);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)?
    (`past` $past_key^ `,` $past_value)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    // Result types inferred: [B, H, S, Dv], and the presents with a cache.
    OpBuilder<(ins "Value":$query, "Value":$key, "Value":$value,
                   "Value":$mask, "Value":$pastKey, "Value":$pastValue,
                   "double":$scale, "bool":$causal)>
  ];
  let extraClassDeclaration = [{
    /// The number of keys attended to: the cache's and the new ones.
    int64_t getTotalKeys();
  }];
  let hasVerifier = 1;
}

def Graph_AttentionKernelOp : Graph_Op<"attention_kernel", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DestinationStyleOpInterface]> {
  let summary = "fmc.attention into a destination, for a fused kernel";
  let description = [{
    The codegen form of `fmc.attention` on targets that run it as one fused
    kernel (GPU targets: fmc-gpu-launch-attention): the same computation,
    conventions and operand shapes, with the keys and values already
    including any cache, written into `init` [B, H, S, Dv]. It is the one
    op of this dialect that also takes buffers: on tensors it returns the
    result (destination style, so one-shot bufferization gives it the
    destination's buffer); on buffers it has no results and writes `init`.
  }];
  let arguments = (ins AnyShaped:$query, AnyShaped:$key, AnyShaped:$value,
                       Optional<AnyShaped>:$mask, AnyShaped:$init,
                       F64Attr:$scale, BoolAttr:$causal);
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? `into` $init attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
  }];
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_Op<"layer_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "Layer normalization over the trailing dims from `axis` on";
  let description = [{
    y = (x - mean) / sqrt(var + epsilon) * scale + bias, where mean and the
    (biased) variance are taken over dims [axis, rank). `scale` and `bias`
    broadcast to those trailing dims.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Optional<Graph_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_RMSNormOp : Graph_Op<"rms_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "Root-mean-square normalization over the trailing dims";
  let description = [{
    y = x / sqrt(mean(x^2) + epsilon) * scale [+ bias], where the mean is
    taken over dims [axis, rank). `scale` and `bias` broadcast to those
    trailing dims (LLaMA's RMSNorm, ONNX RMSNormalization, com.microsoft
    SimplifiedLayerNormalization).
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                       Optional<Graph_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_SkipNormOp : Graph_Op<"skip_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "Residual add followed by layer or RMS normalization";
  let description = [{
    sum = input + skip (skip broadcasts to the input's shape), then
    result = layer_norm(sum) (`rms = false`) or rms_norm(sum) (`rms = true`)
    over dims [axis, rank) with `scale` and the optional `bias`. Both the
    normalized `result` and the residual stream `sum` are results, as in a
    pre- or post-norm transformer block, so one pass over memory computes
    both.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$skip,
                       Graph_FloatTensor:$scale,
                       Optional<Graph_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon, BoolAttr:$rms);
  let results = (outs Graph_FloatTensor:$result, Graph_FloatTensor:$sum);
  let assemblyFormat = [{
    $input `,` $skip `,` $scale (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_RotaryOp : Graph_Op<"rotary", [Pure, InferTypeOpAdaptor]> {
  let summary = "Rotary position embedding of the leading dims of each row";
  let description = [{
    input [..., S, D]; cos and sin [..., S, R] broadcast to the input's
    leading dims with R even and R <= D. The first R features of each row are
    rotated, the others pass through:

      result[..., d] = input[..., d] * cos[..., d] + rot[..., d] * sin[..., d]

    where, for the half-split layout (`interleaved = false`, LLaMA/NeoX),
    rot = concat(-input[..., R/2:R], input[..., 0:R/2]) and, for the
    interleaved layout (GPT-J), rot[2k] = -input[2k + 1],
    rot[2k + 1] = input[2k]. cos and sin are given at full width R (the
    exporters' `cat(freqs, freqs)` or `repeat_interleave`), so the op is
    exact whatever values they hold.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$cos,
                       Graph_FloatTensor:$sin, BoolAttr:$interleaved);
  let results = (outs Graph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $cos `,` $sin attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution and pooling (channels-first: N, C, spatial...)
//===----------------------------------------------------------------------===//

def Graph_ConvOp : Graph_Op<"conv", [Pure]> {
  let summary = "Grouped N-d convolution, channels first, explicit padding";
  let description = [{
    result[n, m, o...] = sum over c, r... of
      input_padded[n, g(m) * Cg + c, o * stride + r * dilation]
      * filter[m, c, r...],
    with input [N, C, spatial...], filter [M, C / groups, kernel...], Cg =
    C / groups and g(m) = m / (M / groups); the input is padded with zeros by
    `pad_low` / `pad_high` per spatial dim. The importer resolves auto_pad
    and adds the bias.
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$filter,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pad_low, DenseI64ArrayAttr:$pad_high,
                       I64Attr:$groups);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$input `,` $filter attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_PoolOp : Graph_Op<"pool", [Pure]> {
  let summary = "Max or sum over sliding windows of the spatial dims";
  let description = [{
    result[n, c, o...] = max or sum over r... of
      input_padded[n, c, o * stride + r * dilation],
    padding with -inf (max) or 0 (sum). `kind` is "max" or "sum"; average
    pooling is a sum divided by the window counts, which the importer
    computes.
  }];
  let arguments = (ins Graph_Tensor:$input, StrAttr:$kind,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pad_low, DenseI64ArrayAttr:$pad_high);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Graph_ReduceOp<string mnemonic>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$axes,
                       BoolAttr:$keepdims);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ReduceSumOp : Graph_ReduceOp<"reduce_sum"> {
  let summary = "Sum over `axes` (sorted, non-negative, unique)";
}
def Graph_ReduceMeanOp : Graph_ReduceOp<"reduce_mean"> {
  let summary = "Mean over `axes` (sorted, non-negative, unique)";
}
def Graph_ReduceMaxOp : Graph_ReduceOp<"reduce_max"> {
  let summary = "Maximum over `axes` (sorted, non-negative, unique)";
}
def Graph_ReduceMinOp : Graph_ReduceOp<"reduce_min"> {
  let summary = "Minimum over `axes` (sorted, non-negative, unique)";
}

def Graph_ReduceProdOp : Graph_ReduceOp<"reduce_prod"> {
  let summary = "Product over `axes` (sorted, non-negative, unique)";
}

class Graph_ArgReduceOp<string mnemonic>
    : Graph_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, BoolAttr:$keepdims,
                       BoolAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_ArgMaxOp : Graph_ArgReduceOp<"arg_max"> {
  let summary = "Index of the maximum along `axis` (first, or last if asked)";
}
def Graph_ArgMinOp : Graph_ArgReduceOp<"arg_min"> {
  let summary = "Index of the minimum along `axis` (first, or last if asked)";
}

class Graph_CumulativeOp<string mnemonic>
    : Graph_Op<mnemonic, [Pure, SameOperandsAndResultType,
                          InferTypeOpInterface]> {
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_CumulativeOp<"cumsum"> {
  let summary = "Running sum along `axis`, optionally exclusive or reversed";
}
def Graph_CumProdOp : Graph_CumulativeOp<"cumprod"> {
  let summary = "Running product along `axis`, optionally exclusive or "
                "reversed";
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Graph_EinsumOp : Graph_Op<"einsum", [Pure]> {
  let summary = "Einstein summation with an explicit equation";
  let description = [{
    `equation` is explicit and has no ellipsis ("ij,jk->ik"): the importer
    expands ONNX's implicit outputs and ellipses. Letters in the output are
    parallel dims; the others are summed over.
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

def Graph_ShapeOp : Graph_Op<"shape", [Pure]> {
  let summary = "The shape of a tensor as a 1-D i64 tensor";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
  let summary = "Reinterpret a tensor with another shape, same element count";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "Permute dims: result dim i is input dim perm[i]";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "Concatenate tensors along `axis`";
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_SliceOp : Graph_Op<"slice", [Pure]> {
  let summary = "Strided slice with static, normalized offsets and steps";
  let description = [{
    Result element [i0, i1, ...] is input element
    [offsets[0] + i0 * steps[0], ...]; steps are non-zero and may be
    negative; the result shape gives the element count along each dim. The
    importer normalizes ONNX starts/ends/axes into this form.
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gather slices along `axis` at `indices` (negative wrap)";
  let description = [{
    Result shape is data.shape[:axis] + indices.shape + data.shape[axis+1:].
    Negative indices count from the end; indices out of [-n, n) are clamped
    to the valid range at run time (ONNX leaves them undefined).
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_GatherElementsOp : Graph_Op<"gather_elements",
                                      [Pure, InferTypeOpAdaptor]> {
  let summary = "result[..., i, ...] = data[..., indices[..., i, ...], ...]";
  let description = [{
    The result has the shape of `indices`; along `axis` the index is read from
    `indices` (negative counts from the end, out of range is clamped), along
    the other dims it is the result's own index.
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat =
      "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ScatterNDOp : Graph_Op<"scatter_nd", [Pure]> {
  let summary = "A copy of `data` with slices at `indices` replaced by, or "
                "combined with, `updates`";
  let description = [{
    `indices` has shape [i..., q] (q <= rank of data) and `updates` has shape
    [i..., data.shape[q:]...]. For every i, the slice
    result[indices[i, 0], ..., indices[i, q - 1], ...] becomes
    updates[i, ...] (`reduction` "none"), or that slice combined with it
    ("add", "mul", "max", "min"). Updates apply in row-major order of i, so
    with "none" the last of duplicate indices wins. Negative indices count
    from the end of their dim.
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                       Graph_Tensor:$updates, StrAttr:$reduction);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_PadOp : Graph_Op<"pad", [Pure]> {
  let summary = "Pad with a constant value: `low`/`high` elements per dim";
  let description = [{
    Pads are non-negative (the importer turns negative ONNX pads into slices,
    and edge/reflect/wrap modes into gathers). `value` is a 0-d tensor.
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$value,
                       DenseI64ArrayAttr:$low, DenseI64ArrayAttr:$high);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $value attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_BroadcastOp : Graph_Op<"broadcast", [Pure]> {
  let summary = "Broadcast to the result shape with numpy rules";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // FMC_GRAPH_OPS
