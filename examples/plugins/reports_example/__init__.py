"""A reports service that answers in CSV, and settings served as a ``.properties`` file.

``properties_plugin`` is a custom accord plugin, registered through this package's
``accord.plugins`` entry point (see ``pyproject.toml``).
"""
