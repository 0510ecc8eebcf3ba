"""The lab: evaluation, benchmarks, synthetic corpora and plots.

Nothing on the serving path (``qa_service.app``, ``wsgi``, ``cli serve|reindex|ask``)
imports this package; the CLI registers its commands lazily. Plotting needs the
``lab`` extra (matplotlib).
"""
