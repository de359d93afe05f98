"""Content, the core: a project's YAML as validated data with positions and problems.

Owns reading YAML with the file:line:col of every key (`read`), the content model
(`model`), the checks and their messages (`check`, `text`, `translations`,
`scannable`, `logo`), reading a whole project (`load`) and the JSON Schemas of the
model (`schema`). Everything that brings content in or takes it elsewhere (spreadsheets,
class lists, link checks, the content guide, the starter) is an adapter in
`booklet.adapters`. It knows nothing of audiences, HTML, PDF or the command line:
it must not import `booklet.adapters`, `tailor`, `render`, `pdf`, `jobs` or `cli`.
"""
