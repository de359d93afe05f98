"""Render: a tailored booklet becomes one HTML string (templates, styles, fonts, QR codes).

Owns the Jinja2 environment and the template/stylesheet lookup (project styles
first, package defaults second), the typeface (`fonts`), QR codes (`qr`) and the
folders the PDF engine may read (`html.allowed_dirs`). The templates and CSS
themselves are data in the repository's `styles/`, installed as `booklet.styles`.
It must not import `booklet.pdf`, `build` or `cli`.
"""
