"""The drop-in suite under ``suite/`` is pact-python code: it is run by ``test_dropin.py`` in
subprocesses (once on pact-python, once rewritten for accord), never collected directly."""

collect_ignore = ["suite"]
