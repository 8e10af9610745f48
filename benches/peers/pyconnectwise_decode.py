"""The Python peer's side of the decode benchmark: 1000-ticket pages through pyconnectwise's Ticket model.

The pages are built as benches/decode.rs builds them (the real service_ticket.json from ../shared/fixtures, 1000
times, ids 1..=1000, compact JSON; `tickets_1000` with the reference fields cut down to what the API sends,
`tickets_1000_full_refs` as the fixture is). Decoding is what pyconnectwise does with each page it fetches:
`json.loads` of the body, then `Ticket.model_validate` of each record. Prints the median per page, in ms, as JSON.
"""

import copy
import json
import os
import statistics
import sys
import time

from pyconnectwise.models.manage import Ticket


def cut_to_reference(value):
    if not isinstance(value, dict) or "id" not in value:
        return value
    kept = {k: v for k, v in value.items() if k in ("id", "identifier", "name", "_info")}
    if isinstance(kept.get("_info"), dict):
        kept["_info"] = {k: v for k, v in kept["_info"].items() if k.endswith("_href")}
    return kept


def page(ticket, as_the_api_sends):
    if as_the_api_sends:
        ticket = {k: cut_to_reference(v) for k, v in ticket.items()}
    records = []
    for i in range(1000):
        record = copy.copy(ticket)
        record["id"] = i + 1
        records.append(record)
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False).encode()


def main() -> None:
    fixtures = os.environ.get("PSA_FIXTURES_DIR") or sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with open(os.path.join(fixtures, "connectwise", "service_ticket.json"), encoding="utf-8") as f:
        ticket = json.load(f)
    results = {}
    for name, as_the_api_sends in [("tickets_1000", True), ("tickets_1000_full_refs", False)]:
        body = page(ticket, as_the_api_sends)
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            tickets = [Ticket.model_validate(d) for d in json.loads(body)]
            samples.append(time.perf_counter() - started)
            assert len(tickets) == 1000
        results[name] = {"bytes": len(body), "median_ms": statistics.median(samples) * 1e3}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
