"""Qualification standards as data: what each level of a category requires and may undertake.

One YAML file per category and regime in ``data/`` (schema: ``schema.py``; loading, a company's
own files and the vocabulary of project attributes: ``loader.py``; the inclusive comparisons
"以上/以下/不少于/不超过": ``measure.py``). Validation (scope, qualification held, head counts) and
``dossier assess`` read them; nothing else keeps a copy of a figure.
"""
