"""booklet: turn plain YAML content into a printable, accessible careers booklet (PDF)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("booklet")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__", "build"]


def build(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - thin re-export
    """Build booklets without the CLI; see `booklet.build.build` for the arguments."""
    from .build import build as _build

    return _build(*args, **kwargs)
