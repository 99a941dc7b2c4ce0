# lit configuration of fmc's GoogleTest unit tests: every test binary named
# *-tests under build/test/Unit, each of its tests reported on its own.

import os

import lit.formats

config.name = "fmc-unit"
config.test_format = lit.formats.GoogleTest(".", "-tests")
config.test_source_root = os.path.join(config.fmc_obj_root, "test", "Unit")
config.test_exec_root = config.test_source_root
