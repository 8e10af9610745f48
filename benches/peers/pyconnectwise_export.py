"""The Python peer's side of the paging benchmark: every ConnectWise ticket through pyconnectwise.

Run by run.py inside its throw-away virtual environment, with the emulator's PSA_CW_* variables. pyconnectwise
only speaks https to a ConnectWise host name, so `_get_url` is pointed at the emulator's plain-http address; the
requests, paging (Link headers) and pydantic models are pyconnectwise's own.
"""

import json
import os
import sys
import time
import urllib.request

from pyconnectwise import ConnectWiseManageAPIClient


class LocalManageClient(ConnectWiseManageAPIClient):
    """pyconnectwise's client, with its URL on the emulator instead of https://<manage_url>."""

    def _get_url(self) -> str:
        return f"{os.environ['PSA_CW_SITE'].rstrip('/')}/{self.codebase.strip('/')}/apis/3.0"


def main() -> None:
    site = os.environ["PSA_CW_SITE"].rstrip("/")
    company = os.environ["PSA_CW_COMPANY"]
    with urllib.request.urlopen(f"{site}/login/companyinfo/{company}") as answer:
        codebase = json.load(answer)["Codebase"]
    client = LocalManageClient(
        company,
        site,
        os.environ["PSA_CW_CLIENT_ID"],
        os.environ["PSA_CW_PUBLIC_KEY"],
        os.environ["PSA_CW_PRIVATE_KEY"],
        codebase=codebase,
    )
    # pyconnectwise 0.6.1.2 keeps a codebase only when it fetched it itself (over https); a given one is dropped.
    client.codebase = codebase
    started = time.perf_counter()
    count = 0
    for ticket in client.service.tickets.paginated(1, 1000).all():
        count += ticket.id is not None
    seconds = time.perf_counter() - started
    print(f"pyconnectwise: exported {count} tickets in {seconds:.2f} s ({count / seconds:.0f} records/s)")
    sys.exit(0 if count else 1)


if __name__ == "__main__":
    main()
