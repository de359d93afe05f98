"""Adapters around the content core: each brings content in from another form, or takes it elsewhere.

- `sheets/`: organisations, routes (with their facts), points, stories and the glossary to a
  spreadsheet and back into YAML;
- `classlist`: an adviser's class list (CSV, XLSX, ODS) read into checked rows;
- `links`: asking every web address in the content whether it still answers;
- `guide`: the content guide for advisers, generated from the model;
- `starter`: the example project that `booklet init` copies.

Each uses `booklet.content` (the model, the reader, the loader) and the shared helpers, and
must not import `booklet.tailor`, `render`, `pdf`, `jobs` or `cli`.
"""
