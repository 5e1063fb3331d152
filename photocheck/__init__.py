"""photocheck: shows what your photos give away before you share them."""

__version__ = "0.1.0"
