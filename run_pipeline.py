#!/usr/bin/env python
"""Run the cross-lingual sentiment pipeline.

    python run_pipeline.py                      # the offline synthetic demo
    python run_pipeline.py opener-en-es         # a named preset (see --help)
    python run_pipeline.py my.toml --set features.pooling=sif
    python run_pipeline.py predict --model runs/opener-en-es/model-es.joblib --input reviews.csv ...

The same commands are available as ``xproj run ...`` once the package is installed.
"""

import sys

from xproj.cli import COMMANDS, main

if __name__ == "__main__":
    argv = sys.argv[1:]
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv = ["run"] + argv
    elif argv[0] in ("-h", "--help"):
        argv = ["run", "--help"]
    sys.exit(main(argv))
