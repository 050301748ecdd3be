"""The portal's own settings for the tests that start real server processes.

Everything comes from ``config.settings`` as ``make run`` uses it (the default cache included); only the
static files are served from the source folders, so the test need not run ``collectstatic`` first.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
