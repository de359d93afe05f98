"""Allow `python -m booklet`."""

from .cli import main

main()
