"""The text core must stay usable without Django (workers, CLI, notebooks)."""

import subprocess
import sys

CHECK = (
    "import outsidein.text.pipeline, outsidein.text.cli, outsidein.text.evaluation, sys; "
    "outsidein.text.pipeline.Analyzer().analyze('Takk for hjelpen'); "
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
