"""booklet: turn plain YAML content into a printable, accessible careers booklet (PDF)."""

from .version import __version__

__all__ = ["__version__", "build"]


def build(*args, **kwargs):
    """Build booklets without the CLI; see `booklet.jobs.api.build` for the arguments."""
    from .jobs import build as _build

    return _build(*args, **kwargs)
