"""Compares an fmc output with a node test's expected output.

NumPy only, so that scripts/gpu_check.py can check conformance tests on a
GPU machine without onnx (it copies this file next to its artifacts);
test/Conformance/run_conformance.py uses it on this machine.
"""

import numpy as np

# bfloat16 has an 8-bit significand: a relative tolerance below its
# resolution (2^-8) cannot tell a correct result from a wrong one, so
# bfloat16 outputs are compared with rtol = 2^-7 (two ulps).
BFLOAT16_RTOL = 2.0 ** -7


# ml_dtypes types that fmc run writes widened (exactly) into a NumPy type.
WIDENED_BY_FMC_RUN = {
    "bfloat16": np.float32, "float8_e4m3fn": np.float32,
    "float8_e4m3fnuz": np.float32, "float8_e5m2": np.float32,
    "float8_e5m2fnuz": np.float32, "float4_e2m1fn": np.float32,
    "int4": np.int8, "int2": np.int8, "uint4": np.uint8, "uint2": np.uint8,
}


def compare(name, actual, expected, rtol, atol):
    """None where output `name` matches: same dtype and shape, NaN where NaN
    is expected, |actual - expected| <= atol + rtol |expected| (floats) or
    equal; else what differs."""
    if expected.dtype.name == "bfloat16":
        rtol = max(rtol, BFLOAT16_RTOL)
    widened = WIDENED_BY_FMC_RUN.get(expected.dtype.name)
    if widened is not None and actual.dtype == widened:
        expected = expected.astype(widened)
    if actual.dtype != expected.dtype:
        return f"output '{name}': dtype {actual.dtype}, expected {expected.dtype}"
    if actual.shape != expected.shape:
        return f"output '{name}': shape {actual.shape}, expected {expected.shape}"
    if expected.dtype.kind in "fc":
        a = actual.astype(np.float64)
        e = expected.astype(np.float64)
        nan_a, nan_e = np.isnan(a), np.isnan(e)
        if not np.array_equal(nan_a, nan_e):
            return f"output '{name}': NaN at other positions than expected"
        ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        if not ok.all():
            with np.errstate(invalid="ignore", divide="ignore"):
                err = np.where(ok, 0.0, np.abs(a - e))
            idx = np.unravel_index(np.argmax(err), err.shape)
            return (f"output '{name}': {int((~ok).sum())} of {ok.size} elements "
                    f"differ, e.g. at {tuple(int(i) for i in idx)}: "
                    f"{a[idx]!r} vs expected {e[idx]!r}")
        return None
    if not np.array_equal(actual, expected):
        diff = int((actual != expected).sum())
        return f"output '{name}': {diff} of {expected.size} elements differ"
    return None
