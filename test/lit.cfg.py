# lit configuration of fmc's FileCheck and end-to-end tests.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "fmc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.fmc_obj_root, "test")
# Inputs and helpers, not tests; Unit is its own suite (Unit/lit.cfg.py).
config.excludes = ["Inputs", "models", "Unit", "lit.cfg.py", "CMakeLists.txt"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.fmc_tools_dir, append_path=True)
# The models' file names appear in diagnostics; keep them short and stable.
config.environment["FMC_SRC_ROOT"] = config.fmc_src_root

config.substitutions.append(("%fmc_python", config.fmc_test_python))
config.substitutions.append(("%fmc_src", config.fmc_src_root))
config.substitutions.append(("%fmc_obj_root", config.fmc_obj_root))
config.substitutions.append(
    ("%e2e_compare", config.fmc_test_python + " " +
     os.path.join(config.fmc_src_root, "test", "E2E", "compare_with_ort.py")))

llvm_config.add_tool_substitutions(["fmc", "fmc-opt"], [config.fmc_tools_dir])
# MLIR's runtime support libraries, for tests that run lowered IR with
# mlir-runner.
config.substitutions.append(
    ("%mlir_lib_dir", os.path.join(os.path.dirname(config.llvm_tools_dir),
                                   "lib")))

if os.path.exists(config.fmc_test_python):
    config.available_features.add("onnxruntime")

# Host ISA features, for tests that run code built for a wider target.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx512f" in cpuinfo.read():
            config.available_features.add("host-avx512f")
except OSError:
    pass

# CUDA. `ptxas`: the toolkit fmc compiles GPU kernels with (the same lookup as
# the compiler: CUDA_HOME, CUDA_PATH, then the configured folder); GPU
# targets compile without a GPU. `cuda-gpu`: a GPU is present (nvidia-smi
# reports its compute capability, which %cuda_target names); tests that need
# one are reported UNSUPPORTED elsewhere.
for variable in ("CUDA_HOME", "CUDA_PATH"):
    if os.environ.get(variable):
        config.environment[variable] = os.environ[variable]
cuda_toolkit = (os.environ.get("CUDA_HOME") or os.environ.get("CUDA_PATH")
                or config.fmc_cuda_toolkit)
ptxas = os.path.join(cuda_toolkit, "bin", "ptxas")
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
try:
    query = subprocess.run(
        ["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"],
        capture_output=True, text=True, timeout=60)
    capability = query.stdout.split()[0] if query.returncode == 0 else ""
except (OSError, subprocess.SubprocessError, IndexError):
    capability = ""
if capability.count(".") == 1:
    major, minor = capability.split(".")
    config.available_features.add("cuda-gpu")
    config.substitutions.append(("%cuda_target", "sm_%s%s" % (major, minor)))

# A C compiler for test helpers (the fake CUDA driver of test/Runtime).
host_cc = shutil.which("cc") or shutil.which("clang") or os.path.join(
    config.llvm_tools_dir, "clang")
config.substitutions.append(("%host_cc", host_cc))
