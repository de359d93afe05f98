"""PDF: HTML becomes finished PDF bytes — WeasyPrint behind a sandbox, then finishing for print and readers.

Owns the only calls into WeasyPrint (`weasy`, with the sandboxed URL fetcher),
post-processing with pikepdf (`finish`: checkboxes, bleed boxes, tags),
saddle imposition (`imposition`) and the accessibility check of a finished PDF
(`accessibility`). It may use `booklet.render` (a blank page is rendered HTML)
but must not import `booklet.jobs` or `cli`; it writes no files.
"""
