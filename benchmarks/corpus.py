"""Build the benchmark corpus reproducibly: pinned sdists fetched with pip, checked by hash, unpacked.

    python benchmarks/corpus.py [DEST]      (default: ~/.cache/mlops-lint/dev-corpus)

The same three projects as the development corpus (scikit-learn, imbalanced-learn and
PyTorch-Ignite): their example scripts are the "examples" corpus, the whole unpacked sdists the
"whole" corpus. A rerun reuses the archives and the unpacked folders. scikit-learn's metadata
step runs its build system once (minutes on 2 cores); the archive is cached afterwards.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
from pathlib import Path

DEFAULT_DEST = Path.home() / ".cache" / "mlops-lint" / "dev-corpus"

# name: (version, unpacked folder, sha256 of the sdist)
SDISTS = {
    "scikit-learn": ("1.9.1", "scikit_learn-1.9.1", "629cada3e33e2b9bf376cdc7614a47a4140b8aedc1d836579e359736fbd82977"),
    "imbalanced-learn": ("0.14.2", "imbalanced_learn-0.14.2", "f80ce7eafbcece8686e32571bd12978546c729c3f277215bead61a906ce9afe4"),
    "pytorch-ignite": ("0.5.5", "pytorch_ignite-0.5.5", "2c14de75c939a3cc06d2e7de00b1e0a261917ef9bd874dac2e69d789dfa9cc64"),
}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(dest: Path = DEFAULT_DEST) -> Path:
    """Make sure every pinned sdist is downloaded, verified and unpacked under ``dest``."""
    sdists = dest / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    for name, (version, folder, sha256) in SDISTS.items():
        archive = sdists / f"{folder}.tar.gz"
        if not archive.exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", name,
                 f"{name}=={version}", "-d", str(sdists)],
                check=True,
            )
        if _sha256(archive) != sha256:
            raise SystemExit(f"{archive}: sha256 differs from the pinned one; delete it and rerun")
        if not (dest / folder).exists():
            with tarfile.open(archive) as tar:
                tar.extractall(dest, filter="data")
    return dest


def example_folders(dest: Path) -> list[Path]:
    return [dest / folder / "examples" for _, folder, _ in SDISTS.values()]


def whole_folders(dest: Path) -> list[Path]:
    return [dest / folder for _, folder, _ in SDISTS.values()]


if __name__ == "__main__":
    root = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST)
    for folder in example_folders(root):
        print(f"{folder}: {sum(1 for _ in folder.rglob('*.py'))} .py, {sum(1 for _ in folder.rglob('*.ipynb'))} .ipynb")
