"""The app's admin pages: each package registers its own models."""

from .blocklists import admin as blocklists_admin
from .programme import admin as programme_admin

__all__ = ["blocklists_admin", "programme_admin"]
