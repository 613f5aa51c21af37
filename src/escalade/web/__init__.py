"""The web app (``escalade serve``): a what-if dashboard and a play room over the store.

:func:`escalade.web.app.create_app` builds it; :mod:`escalade.web.jobs` runs its ensembles in
the background; :mod:`escalade.web.routes` is its JSON API.
"""
