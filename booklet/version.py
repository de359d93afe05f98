"""The one place the version is written; pyproject.toml and every module read it from here.

A literal rather than importlib.metadata keeps 20 ms off every command's start-up,
and a module of its own lets any stage read it without importing the package root
(which offers `build()` and so sits above every stage).
"""

__version__ = "0.1.0"
