"""Runs MatchMiner's engine (``matchengine-V2`` 2.1) on ``mongomock`` for the side-by-side
benchmark. Executed ONLY by the throwaway virtual environment that ``matchminer_compare.py``
creates (never imported by the product, which does not depend on it).

    <venv>/bin/python bench/matchminer_runner.py <input.json> <output.json>

Input: {"trials": [...], "clinical": [...], "genomic": [...]} as the engine's own documents.
Output: {"seconds": matching time, "matches": [[protocol_no, arm_code, sample_id], ...]}.
The connection shim replaces the engine's MongoDB connection by one in-memory mongomock client
(synchronous path) and a mongomock-motor client over the same data (asynchronous path), as
described in ../shared/benchmarks/matchminer/README.md."""

from __future__ import annotations

import datetime
import json
import logging
import sys
import time

import mongomock
import mongomock_motor
from bson.son import SON
from matchengine.internals.database_connectivity import mongo_connection
from matchengine.internals.engine import MatchEngine

CLIENT = mongomock.MongoClient()
DB_NAME = "matchminer"


def _init(self, read_only=True, db=None, async_init=True):
    self.read_only, self.async_init, self.db = read_only, async_init, db or DB_NAME


def _enter(self):
    if self.async_init:
        self.client = mongomock_motor.AsyncMongoMockClient(mock_mongo_client=CLIENT)
    else:
        self.client = CLIENT
    return self.client[self.db]


def _exit(self, *exc):
    return None


def _list_indexes(self, session=None):
    for name, information in self._list_all_indexes():
        yield dict(information, key=SON(information["key"]), name=name, v=2)


mongo_connection.MongoDBConnection.__init__ = _init
mongo_connection.MongoDBConnection.__enter__ = _enter
mongo_connection.MongoDBConnection.__exit__ = _exit
mongomock.collection.Collection.list_indexes = _list_indexes


def load(data: dict) -> None:
    db = CLIENT[DB_NAME]
    report_date = datetime.datetime(2026, 1, 15)
    for doc in data["clinical"]:
        doc = dict(doc, REPORT_DATE=report_date, _updated=report_date)
        doc["_id"] = doc["SAMPLE_ID"]
        db.clinical.insert_one(doc)
    for doc in data["genomic"]:
        db.genomic.insert_one(dict(doc))
    for trial in data["trials"]:
        db.trial.insert_one(dict(trial))


def main() -> None:
    logging.disable(logging.CRITICAL)
    with open(sys.argv[1]) as source:
        data = json.load(source)
    load(data)
    started = time.perf_counter()
    options = {
        "ignore_run_log": True,
        "skip_run_log_entry": True,
        "report_all_clinical_reasons": True,
    }  # clinical-only arms reported too
    with MatchEngine(num_workers=4, db_name=DB_NAME, **options) as engine:
        matches = engine.get_matches_for_all_trials()
    seconds = time.perf_counter() - started
    pairs = set()
    for protocol_no, by_sample in matches.items():
        for sample_id, docs in by_sample.items():
            for doc in docs:
                if doc.get("match_level") == "arm":
                    pairs.add((protocol_no, doc.get("code"), sample_id))
    with open(sys.argv[2], "w") as target:
        json.dump({"seconds": seconds, "matches": sorted(pairs)}, target)


if __name__ == "__main__":
    main()
