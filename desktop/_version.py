# Kept in step with pyproject.toml by tests/test_packaging.py (the frozen bundle reads this one).
VERSION = "0.1.0"
