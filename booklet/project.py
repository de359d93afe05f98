"""Finding a booklet project: its content, styles and output folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BookletError


@dataclass(frozen=True)
class Project:
    """The folders of one booklet project (all absolute)."""

    root: Path
    content: Path
    styles: Path | None
    output: Path

    @classmethod
    def locate(cls, content: Path | None = None, styles: Path | None = None) -> Project:
        """The project whose content folder is `content` (default: ./content)."""
        content = (content or Path("content")).absolute()
        if not content.is_dir():
            raise BookletError.single(
                "content folder not found", file=content, hint="run in a booklet project or pass --content DIR"
            )
        root = content.parent
        if styles is not None:
            styles = styles.absolute()
            if not styles.is_dir():
                raise BookletError.single("styles folder not found", file=styles, hint="pass an existing folder")
        elif (root / "styles").is_dir():
            styles = root / "styles"
        return cls(root=root, content=content, styles=styles, output=root / "output")
