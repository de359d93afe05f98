"""Default templates and stylesheets of booklet, installed as the package `booklet.styles`.

A booklet project's own styles/ folder overrides these file by file.
"""
