"""The ``accord`` command line: each sub-command family lives in its own module and
registers itself here (``register(main)``)."""

from __future__ import annotations

import importlib

import click

from accord import __version__

__all__ = ["main"]

_FAMILIES = ("mock", "verify", "broker", "openapi")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def main() -> None:
    """accord: Pact contract testing in pure Python."""


for _name in _FAMILIES:
    try:
        _module = importlib.import_module(f"accord.cli.{_name}")
    except ModuleNotFoundError as exc:  # a family not written yet, or its extra not installed
        if exc.name != f"accord.cli.{_name}":
            raise
        continue
    _module.register(main)
