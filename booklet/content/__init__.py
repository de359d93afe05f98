"""Content: everything read from a project's YAML, as validated data with positions and problems.

Owns reading YAML with the file:line:col of every key (`read`), the content model
(`model`), the checks and their messages (`check`), reading a whole project
(`load`), the JSON Schemas (`schema`), the generated content guide (`guide`) and
the starter project (`starter`). It knows nothing of audiences, HTML, PDF or the
command line: it must not import `booklet.tailor`, `render`, `pdf`, `build` or `cli`.
"""
