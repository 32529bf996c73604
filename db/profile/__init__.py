"""Profile: per-column statistics of a built database as ``profile.json`` and a static
``profile.html``. Imports the ``db`` core and ``utils``.
"""
