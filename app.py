"""Run collab from a checkout: `python app.py [--host HOST] [--port PORT]` is `collab serve`."""

import sys

# First: importing collab.server patches the standard library for eventlet before anything else loads.
from collab.server import main

if __name__ == "__main__":
    main(["serve", *sys.argv[1:]])
