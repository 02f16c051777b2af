"""daphne, with an access log that masks secrets: `python -m workshop.serve -b … -p … app`.

Takes daphne's own command-line options; only the access log writer is ours.
"""

from __future__ import annotations

from daphne import cli

from workshop.logs import MaskingAccessLog


def main() -> None:
    # daphne builds its access logger from this name inside `run()`; no hook is offered.
    cli.AccessLogGenerator = MaskingAccessLog
    cli.CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
