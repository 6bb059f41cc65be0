"""Curate: a desktop tool to annotate and link named entities in Bengali, Hindi and English news."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("curate")
except _metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    from desktop._version import VERSION as __version__  # noqa: F401
