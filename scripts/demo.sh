#!/usr/bin/env bash
# The whole Pact loop on this machine: consumer test → pact → broker → verification → can-i-deploy.
source "$(dirname "$0")/_venv.sh"
exec python -m accord.demo "$@"
