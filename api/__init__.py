"""The read-only JSON API that serve_frontend.py serves under /api/.

One route table (``api.routes.ROUTES``) is what the server dispatches on, what
``/api/openapi.json`` describes and what ``/api/docs`` lists. Nothing here speaks
HTTP: ``api.app.Api.respond`` takes a request target and returns a response, so the
same code runs in the server and in tests.
"""
