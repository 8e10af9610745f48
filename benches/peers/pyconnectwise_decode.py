"""The Python peer's side of the decode benchmark: one 1000-ticket page through pyconnectwise's Ticket model.

The page is built as benches/decode.rs builds it (the real service_ticket.json from ../shared/fixtures, 1000
times, ids 1..=1000, compact JSON); decoding is what pyconnectwise does with each page it fetches:
`json.loads` of the body, then `Ticket.model_validate` of each record. Prints the median of the rounds, in ms.
"""

import json
import os
import statistics
import sys
import time

from pyconnectwise.models.manage import Ticket


def main() -> None:
    fixtures = os.environ.get("PSA_FIXTURES_DIR") or sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with open(os.path.join(fixtures, "connectwise", "service_ticket.json"), encoding="utf-8") as f:
        ticket = json.load(f)
    page = []
    for i in range(1000):
        record = dict(ticket)
        record["id"] = i + 1
        page.append(record)
    body = json.dumps(page, separators=(",", ":")).encode()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        tickets = [Ticket.model_validate(d) for d in json.loads(body)]
        samples.append(time.perf_counter() - started)
        assert len(tickets) == 1000
    print(json.dumps({"bytes": len(body), "median_ms": statistics.median(samples) * 1e3}))


if __name__ == "__main__":
    main()
