"""Makes tests/ooo_testlib.py importable by every suite under tests/."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
