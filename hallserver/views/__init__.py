"""Thin handlers: parse and check the request, call the domain, answer JSON.

`routes.ROUTES` is the table of every endpoint; the app registers it and the OpenAPI document is
made from it, so neither can forget one.
"""
