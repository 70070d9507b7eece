"""The eligibility checker.

``checker.engine`` is the rules engine: plain Python that runs unchanged on
CPython and on MicroPython (PyScript, in the browser). It evaluates pathway
data compiled from ``content/pathways/*.yml`` by :mod:`certkb.pathway`.
``python -m checker`` is the command line (CPython only).

Keep this file free of imports: MicroPython imports it before the engine.
"""
