"""booklet: turn plain YAML content into a printable, accessible careers booklet (PDF)."""

# The one place the version is written; pyproject.toml reads it from here. A literal
# rather than importlib.metadata keeps 20 ms off every command's start-up.
__version__ = "0.1.0"

__all__ = ["__version__", "build"]


def build(*args, **kwargs):
    """Build booklets without the CLI; see `booklet.build.build` for the arguments."""
    from .build import build as _build

    return _build(*args, **kwargs)
