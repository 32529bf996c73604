"""The HTTP server behind serve_frontend.py: what may be served, how requests are bounded
and checked, and the /api/ dispatch. Imports ``api`` and ``utils`` only.

``static`` is the allow-list and path checks, ``files`` the published files as sent (kept
per path), ``hardening`` the bounds on a request head and the Host check, ``handler`` one
request, ``app`` the listening server, its addresses and its
signals. Nothing here prints: the entry script prints the banner ``app.banner`` returns.
"""
