#!/usr/bin/env python3
"""Runs eark-validator (PyPI) offline on the packages named on the command line.

eark-validator downloads four CSIP vocabularies when it starts; the same files ship inside the
package, so their URLs are answered from there. Run it with the Python of the virtualenv that
has eark-validator (it pins lxml==5.1.0, so it gets one of its own).

usage: /opt/eark/bin/python scripts/eark-validate.py PACKAGE...
Prints the validator's report for each package; exits 1 when a package is not valid.
"""
import importlib.util
import os
import sys
import urllib.request

# Where the vocabularies are, found without importing the package (importing it fetches them).
VOCABULARIES = os.path.join(
    os.path.dirname(importlib.util.find_spec("eark_validator").origin),
    "ipxml",
    "resources",
    "vocabs",
)


def local_vocabulary(uri, *args, **kwargs):
    return open(os.path.join(VOCABULARIES, uri.rsplit("/", 1)[-1]), "rb")


# Before eark_validator is imported: it binds `urlopen` when its modules load.
urllib.request.urlopen = local_vocabulary

from eark_validator.cli.app import main  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "eark-validator"
    sys.exit(main())
