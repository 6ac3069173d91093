"""nbval settings for the course notebooks.

Progress bars are switched off in the kernels nbval starts (tqdm widgets would pile up, since
nbval ignores clear_output), and stderr — warnings, timing noise — is never compared.
"""

import os

os.environ["DMLIB_PROGRESS"] = "0"  # inherited by the kernels nbval launches


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
