"""The storage contract (slacli.storage.base.Store), run against every implementation.

Every test goes through the ``store`` fixture and uses only the Protocol's methods: no SQL,
no sqlite3. A new store (PostgreSQL) joins by adding a name to ``BUILDERS``. Stores give
instants back as ISO text in any offset, so instants are compared as instants, and state
documents are JSON text a store may reformat, so they are compared as parsed JSON.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slacli.errors import StoreError
from slacli.storage.base import Counts, IncidentFilter, IncidentRow, LogEntry, Store

NEW_YORK = ZoneInfo("America/New_York")
T = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)  # 09:00 in New York (EST)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def _sqlite(tmp_path: Path) -> Store:
    from slacli.storage.sqlite import open_sqlite

    return open_sqlite(tmp_path / "contract.db")


BUILDERS: dict[str, Callable[[Path], Store]] = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(BUILDERS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    built = BUILDERS[request.param](tmp_path)
    yield built
    built.close()


def row(**fields: object) -> IncidentRow:
    values: dict[str, object] = {
        "policy": "openweb",
        "severity": "1",
        "status": "open",
        "services": (),
        "opened": T,
        "resolved": None,
        "last_event": T,
        "state": json.dumps({"title": "db down"}),
        "downtime": None,
    }
    return IncidentRow(**{**values, **fields})  # type: ignore[arg-type]


def add(store: Store, **fields: object) -> int:
    with store.transaction():
        return store.insert_incident(row(**fields))


def ids(store: Store, **where: object) -> list[int]:
    return [found.id for found in store.incidents(IncidentFilter(**where))]  # type: ignore[arg-type]


def instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


# -- incidents and their events ------------------------------------------------------------


def test_an_incident_row_is_inserted_updated_and_read_back(store: Store) -> None:
    first = add(store, state=json.dumps({"title": "db down", "n": 1}))
    second = add(store, state=json.dumps({"title": "other"}))
    assert first != second
    found = store.incident(first)
    assert found is not None and found.id == first
    assert json.loads(found.state) == {"title": "db down", "n": 1}
    with store.transaction():
        store.update_incident(first, row(status="resolved", resolved=T + HOUR, state=json.dumps({"n": 2})))
    assert json.loads(store.incident(first).state) == {"n": 2}  # type: ignore[union-attr]
    assert json.loads(store.incident(second).state) == {"title": "other"}  # type: ignore[union-attr]  # untouched


def test_an_unknown_incident_is_none(store: Store) -> None:
    assert store.incident(1) is None
    known = add(store)
    assert store.incident(known + 1) is None


def test_events_come_back_in_the_order_appended_with_every_field(store: Store) -> None:
    one, two = add(store), add(store)
    recorded = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with store.transaction():
        store.append_event(one, LogEntry("opened", T, "ann", {"policy": "openweb", "nested": {"a": [1, 2]}}, recorded))
        store.append_event(two, LogEntry("opened", T, "bob", {}, recorded))
        # Given in New York time: the same instant must come back, whatever offset it is shown in.
        store.append_event(one, LogEntry("acknowledged", (T + HOUR).astimezone(NEW_YORK), "ann", {}, recorded + SECOND))
        store.append_event(one, LogEntry("update", T + HOUR, "cy", {"note": "same instant as the ack"}, recorded))
    events = store.events(one)
    assert [e.kind for e in events] == ["opened", "acknowledged", "update"]  # a tie on `at` keeps its order
    assert [instant(e.at) for e in events] == [T, T + HOUR, T + HOUR]
    assert [e.author for e in events] == ["ann", "ann", "cy"]
    assert events[0].details == {"policy": "openweb", "nested": {"a": [1, 2]}}
    assert events[2].details == {"note": "same instant as the ack"}
    assert [instant(e.recorded) for e in events] == [recorded, recorded + SECOND, recorded]
    assert [(e.kind, e.author) for e in store.events(two)] == [("opened", "bob")]
    assert store.events(two + 1) == []


def test_a_transaction_that_raises_writes_nothing(store: Store) -> None:
    kept = add(store, state=json.dumps({"v": "before"}))
    with pytest.raises(RuntimeError), store.transaction():
        new = store.insert_incident(row())
        store.append_event(new, LogEntry("opened", T, "ann", {}, T))
        store.update_incident(kept, row(state=json.dumps({"v": "after"})))
        store.append_event(kept, LogEntry("update", T, "ann", {}, T))
        store.save_snapshot("d1", "openweb", {"x": 1})
        window = store.insert_window("openweb", T, T + HOUR, {"title": "w"})
        store.append_window_event(window, LogEntry("added", T, "ann", {}, T))
        raise RuntimeError("boom")
    assert store.incident(new) is None
    assert store.events(new) == [] and store.events(kept) == []
    assert json.loads(store.incident(kept).state) == {"v": "before"}  # type: ignore[union-attr]
    assert store.snapshot("d1") is None
    assert store.window(window) is None and store.window_events(window) == []
    assert ids(store) == [kept]
    with store.transaction():  # the store is usable afterwards
        store.save_snapshot("d1", "openweb", {"x": 1})
    assert store.snapshot("d1") == {"x": 1}


# -- IncidentFilter ----------------------------------------------------------------------------


def test_incidents_come_oldest_first_whatever_the_order_written(store: Store) -> None:
    late, early, middle = add(store, opened=T + 2 * HOUR), add(store, opened=T), add(store, opened=T + HOUR)
    assert ids(store) == [early, middle, late]  # listings ("oldest first") rely on this


def test_filter_by_policy_and_service(store: Store) -> None:
    web_a = add(store, services=("api",))
    web_b = add(store, services=("ui",))
    web_none = add(store)
    crafted = add(store, policy="opencraft", services=("api",))
    both = add(store, services=("ui", "api"))
    assert ids(store, policy="openweb") == [web_a, web_b, web_none, both]
    assert ids(store, service="api") == [web_a, crafted, both]  # any of its services
    assert ids(store, policy="openweb", service="api") == [web_a, both]
    assert ids(store, service="ui") == [web_b, both]
    assert ids(store, policy="nobody") == []


def test_an_update_replaces_the_services(store: Store) -> None:
    found = add(store, services=("api", "ui"))
    with store.transaction():
        store.update_incident(found, row(services=("db",)))
    assert (ids(store, service="api"), ids(store, service="db")) == ([], [found])


def test_since_is_inclusive_until_exclusive_opened_by_inclusive(store: Store) -> None:
    before, exactly, after = add(store, opened=T - SECOND), add(store, opened=T), add(store, opened=T + SECOND)
    assert ids(store, since=T) == [exactly, after]
    assert ids(store, until=T) == [before]
    assert ids(store, opened_by=T) == [before, exactly]
    assert ids(store, since=T, until=T + SECOND) == [exactly]
    # The same bounds given in New York time (T is 09:00 EST) are the same instants.
    assert ids(store, since=T.astimezone(NEW_YORK)) == [exactly, after]
    assert ids(store, until=T.astimezone(NEW_YORK)) == [before]


def test_unresolved_at_keeps_the_open_and_those_resolved_strictly_after(store: Store) -> None:
    still_open = add(store)
    resolved_before = add(store, status="resolved", resolved=T - SECOND)
    resolved_at = add(store, status="resolved", resolved=T)
    resolved_after = add(store, status="resolved", resolved=T + SECOND)
    assert ids(store) == [still_open, resolved_before, resolved_at, resolved_after]
    assert ids(store, unresolved_at=T) == [still_open, resolved_after]
    assert ids(store, unresolved_at=T.astimezone(NEW_YORK)) == [still_open, resolved_after]
    assert ids(store, unresolved_at=T - 2 * SECOND) == [still_open, resolved_before, resolved_at, resolved_after]
    # Opened after the instant asked about: still "not resolved by then" (opened_by narrows that).
    late = add(store, opened=T + HOUR)
    assert ids(store, unresolved_at=T) == [still_open, resolved_after, late]
    assert ids(store, unresolved_at=T, opened_by=T) == [still_open, resolved_after]


# -- downtime ----------------------------------------------------------------------------------


def test_downtime_reads_the_policy_s_rows_with_downtime_not_resolved_by_the_instant(store: Store) -> None:
    dt = json.dumps({"excluded": None, "stretches": [[1.0, None, 1]]})
    still_open = add(store, downtime=dt, severity="1", last_event=T + HOUR)
    add(store, downtime=None)  # no downtime: never read
    add(store, downtime=dt, status="resolved", resolved=T - SECOND)  # resolved before
    add(store, downtime=dt, status="resolved", resolved=T)  # resolved exactly then
    later = add(store, downtime=dt, severity="2", status="resolved", resolved=T + SECOND, last_event=T + SECOND)
    add(store, downtime=dt, policy="optimy")  # another policy
    found = store.downtime("openweb", T)
    assert sorted(d.id for d in found) == [still_open, later]
    by_id = {d.id: d for d in found}
    assert by_id[still_open].severity == "1" and by_id[later].severity == "2"
    assert json.loads(by_id[still_open].downtime) == {"excluded": None, "stretches": [[1.0, None, 1]]}  # type: ignore[arg-type]
    assert instant(by_id[still_open].last_event) == T + HOUR
    assert instant(by_id[later].last_event) == T + SECOND
    assert store.downtime("nobody", T) == []


def test_downtime_by_service(store: Store) -> None:
    dt = json.dumps({"excluded": None, "stretches": [[1.0, 2.0, 1]]})
    api = add(store, downtime=dt, services=("api",))
    ui = add(store, downtime=dt, services=("ui",))
    everywhere = add(store, downtime=dt)
    both = add(store, downtime=dt, services=("api", "ui"))
    assert [d.id for d in store.downtime("openweb", T, "api")] == [api, both]
    assert [d.id for d in store.downtime("openweb", T, "ui")] == [ui, both]
    assert sorted(d.id for d in store.downtime("openweb", T)) == [api, ui, everywhere, both]


# -- policy snapshots --------------------------------------------------------------------------


def test_a_snapshot_is_saved_once_per_digest(store: Store) -> None:
    tables = {"policies": {"openweb": {"calendar": "new-york-9-17", "severities": {"1": {"downtime": 1}}}}}
    with store.transaction():
        store.save_snapshot("abc", "openweb", tables)
    with store.transaction():
        store.save_snapshot("abc", "openweb", {"policies": {}})  # the same digest: the first one stays
        store.save_snapshot("def", "optimy", {"other": [1, 2]})
    assert store.snapshot("abc") == tables
    assert store.snapshot("def") == {"other": [1, 2]}
    assert store.snapshot("nope") is None


# -- maintenance windows -----------------------------------------------------------------------


def window(store: Store, start: datetime, end: datetime, policy: str = "openweb", **state: object) -> int:
    with store.transaction():
        return store.insert_window(policy, start, end, {"title": f"{policy} {start:%H:%M}", **state})


def test_a_window_is_inserted_updated_and_read_back(store: Store) -> None:
    first = window(store, T, T + HOUR, status="scheduled", warnings=["a", "b"])
    second = window(store, T, T + HOUR)
    found = store.window(first)
    assert found is not None and found.id == first
    assert found.state == {"title": "openweb 14:00", "status": "scheduled", "warnings": ["a", "b"]}
    with store.transaction():
        completed = {"status": "completed", "changes": [["2026-11-03T14:00:00+00:00", "complete"]]}
        store.update_window(first, completed, (T, T + HOUR))
    assert store.window(first).state == {  # type: ignore[union-attr]
        "status": "completed",
        "changes": [["2026-11-03T14:00:00+00:00", "complete"]],
    }
    assert store.window(second).state == {"title": "openweb 14:00"}  # type: ignore[union-attr]
    assert store.window(second + 1) is None


def test_windows_by_policy_in_order_of_start(store: Store) -> None:
    late = window(store, T + 5 * HOUR, T + 6 * HOUR)
    early = window(store, T, T + 8 * HOUR)
    other = window(store, T + HOUR, T + 2 * HOUR, policy="optimy")
    assert [w.id for w in store.windows("openweb")] == [early, late]
    assert [w.id for w in store.windows()] == [early, other, late]
    assert store.windows("nobody") == []


def test_windows_overlapping_a_half_open_span(store: Store) -> None:
    a, b = T, T + 2 * HOUR
    ends_at_a = window(store, a - HOUR, a)  # [a-1h, a): touches, does not overlap
    ends_just_after_a = window(store, a - HOUR, a + SECOND)
    inside = window(store, a + HOUR, a + HOUR + SECOND)
    starts_just_before_b = window(store, b - SECOND, b + HOUR)
    starts_at_b = window(store, b, b + HOUR)  # [b, b+1h): outside [a, b)
    covers = window(store, a - 2 * HOUR, b + 2 * HOUR)
    window(store, a, b, policy="optimy")
    found = [w.id for w in store.windows("openweb", (a, b))]
    assert found == [covers, ends_just_after_a, inside, starts_just_before_b]
    assert ends_at_a not in found and starts_at_b not in found
    # The span in New York time is the same span.
    assert [w.id for w in store.windows("openweb", (a.astimezone(NEW_YORK), b.astimezone(NEW_YORK)))] == found
    assert len(store.windows(None, (a, b))) == 5  # every policy: the optimy one too


def test_window_events_read_back_what_was_appended(store: Store) -> None:
    incident = add(store)
    first, second = window(store, T, T + HOUR), window(store, T, T + HOUR)
    recorded = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with store.transaction():
        store.append_window_event(
            first, LogEntry("added", T - HOUR, "ann", {"kind": "scheduled", "warnings": []}, recorded)
        )
        store.append_window_event(second, LogEntry("added", T - HOUR, "bob", {}, recorded))
        store.append_window_event(first, LogEntry("start", T.astimezone(NEW_YORK), "ann", {}, recorded + SECOND))
        store.append_window_event(first, LogEntry("complete", T + HOUR, "cy", {}, recorded + 2 * SECOND))
    events = store.window_events(first)
    assert [e.kind for e in events] == ["added", "start", "complete"]
    assert [instant(e.at) for e in events] == [T - HOUR, T, T + HOUR]
    assert [e.author for e in events] == ["ann", "ann", "cy"]
    assert events[0].details == {"kind": "scheduled", "warnings": []}
    assert [instant(e.recorded) for e in events] == [recorded, recorded + SECOND, recorded + 2 * SECOND]
    assert [e.author for e in store.window_events(second)] == ["bob"]
    assert store.events(incident) == []  # the two logs are apart, whatever their ids


# -- upkeep: what doctor and backup read -------------------------------------------------------


def filled(store: Store) -> Counts:
    """Two incidents with three events, one window, one notice: what the counts should say."""
    one, two = add(store), add(store)
    with store.transaction():
        store.append_event(one, LogEntry("opened", T, "ann", {}, T))
        store.append_event(one, LogEntry("acknowledged", T + HOUR, "ann", {}, T + HOUR))
        store.append_event(two, LogEntry("opened", T, "bob", {}, T))
    window(store, T, T + HOUR)
    with store.transaction():
        store.insert_notice("openweb", T, {"title": "fix"}, T, "ann")
    return Counts(incidents=2, events=3, windows=1, notices=1)


def test_a_sound_store_is_at_the_newest_schema_with_nothing_wrong(store: Store) -> None:
    expected = filled(store)
    found, newest = store.schema()
    assert found == newest >= 1
    assert store.integrity() == []
    assert store.counts() == expected


def test_files_start_with_the_database(store: Store) -> None:
    files = store.files()
    if files:  # a store on this machine
        assert files[0].role == "database" and files[0].path == store.location and files[0].size > 0
        assert {f.role for f in files} <= {"database", "wal", "shm"}


def test_a_backup_is_a_private_copy_with_the_same_counts(store: Store, tmp_path: Path) -> None:
    expected = filled(store)
    copy = tmp_path / "copy.db"
    assert store.backup(copy) == expected
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("copy", ".copy"))] == ["copy.db"]
    add(store)  # the store carries on; the copy was the store as of the backup
    assert store.counts().incidents == 3


def test_a_backup_replaces_a_file_only_when_asked(store: Store, tmp_path: Path) -> None:
    filled(store)
    copy = tmp_path / "copy.db"
    copy.write_text("yesterday's")
    with pytest.raises(StoreError, match="exists already"):
        store.backup(copy)
    assert copy.read_text() == "yesterday's"
    assert store.backup(copy, replace=True).incidents == 2
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_a_backup_never_overwrites_the_store_itself(store: Store, tmp_path: Path) -> None:
    filled(store)
    for target in (Path(store.location), *(Path(f.path) for f in store.files())):
        with pytest.raises(StoreError, match="the database itself"):
            store.backup(target, replace=True)
    assert store.integrity() == [] and store.counts().incidents == 2


def test_an_updated_span_is_what_windows_are_selected_by(store: Store) -> None:
    # Planned 14:00-15:00, it ran to 17:00: a read of 16:00-16:30 finds it once the span says so.
    first = window(store, T, T + HOUR)
    later = (T + 2 * HOUR, T + 2 * HOUR + HOUR / 2)
    assert store.windows("openweb", later) == []
    with store.transaction():
        store.update_window(first, {"status": "completed"}, (T, T + 3 * HOUR))
    assert [w.id for w in store.windows("openweb", later)] == [first]


# -- notices -----------------------------------------------------------------------------------


def test_notices_are_read_back_by_instant_policy_and_span(store: Store) -> None:
    with store.transaction():
        late = store.insert_notice("openweb", T + HOUR, {"title": "late"}, T + 2 * HOUR, "ann")
        early = store.insert_notice("openweb", T, {"title": "early"}, T + 2 * HOUR, "ann")
        other = store.insert_notice("optimy", T + SECOND, {"title": "other"}, T + 2 * HOUR, "bob")
    found = store.notices()
    assert [n.id for n in found] == [early, other, late]
    assert (found[0].state, instant(found[0].recorded), found[1].recorded_by) == (
        {"title": "early"},
        T + 2 * HOUR,
        "bob",
    )
    assert [n.id for n in store.notices("openweb")] == [early, late]
    assert [n.id for n in store.notices(between=(T, T + HOUR))] == [early, other]  # [a, b)
    assert store.notices("nobody") == []
