"""The text core must stay usable without Django (workers, CLI, notebooks)."""

import subprocess
import sys

# Every module of the text core, found by walking the package, so a new module is
# covered the day it is added.
CHECK = (
    "import importlib, pkgutil, sys, outsidein.text as t; "
    "mods = [m.name for m in pkgutil.walk_packages(t.__path__, 'outsidein.text.')]; "
    "assert 'outsidein.text.topics' in mods and 'outsidein.text.training' in mods, mods; "
    "[importlib.import_module(m) for m in mods]; "
    "sys.modules['outsidein.text.pipeline'].Analyzer().analyze('Takk for hjelpen'); "
    "bad = [m for m in sys.modules if m.startswith('django')]; "
    "assert not bad, bad"
)


def test_text_core_imports_no_django() -> None:
    proc = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_package_import_is_light() -> None:
    code = "import outsidein.text, sys; assert 'sklearn' not in sys.modules"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
