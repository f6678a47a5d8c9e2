"""Saving and loading: random valid models survive a round trip byte for byte, old versions
migrate, a file of only the pinned keys works, and a failed save leaves the user's file alone.
"""

import json
import os
import string
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import SaveError, parse_model, read_model, serialise, with_revision, write_model
from models import catalogue as cat
from models import fileio
from models.checks import run_checks
from models.errors import ModelFileError
from models.fileio import TEMP_PREFIX, TEMP_SUFFIX, clean_stray_temp_files
from models.schema import ServiceModel
from plain_user import save_as_plain_user

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"

# --- random valid models -------------------------------------------------------------------

ids = st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12)
texts = st.text(max_size=30)  # any Unicode but surrogates: accents, £, emoji, NUL, U+2028
amounts = st.floats(0, 1e12, allow_nan=False) | st.integers(0, 10**12)
money = st.none() | amounts
years = st.none() | st.sampled_from([1, 2, 3, 4, 5, 8, 10, 2.5])
weights = st.none() | st.integers(0, 100) | st.floats(0, 100, allow_nan=False)


def maybe(strategy):
    return st.none() | strategy


@st.composite
def contracts(draw):
    terms = {
        "initial_term_years": draw(years),
        "extensions_years": draw(st.lists(st.sampled_from([1, 2]), max_size=3)),
        "break_clause_years": draw(years),
        "quality_weight": draw(weights), "price_weight": draw(weights),
        "social_value_weight": draw(weights),
        "pricing_model": draw(maybe(st.sampled_from(list(cat.PRICING_MODELS)))),
        "payment_basis": draw(maybe(st.sampled_from(list(cat.PAYMENT_BASES)))),
        "annual_value": draw(maybe(st.floats(-1e6, 1e9, allow_nan=False))),
        "procurement_route": draw(maybe(st.sampled_from(list(cat.PROCUREMENT_ROUTES)))),
        "start_date": draw(maybe(st.dates().map(lambda d: f"{d.year:04d}-{d:%m-%d}"))),
        "kpis": draw(st.lists(st.fixed_dictionaries(
            {"name": texts}, optional={"target": texts,
                                       "frequency": st.sampled_from(list(cat.KPI_FREQUENCIES))}),
            max_size=3)),
    }
    return {k: v for k, v in terms.items() if v is not None}


@st.composite
def service_models(draw) -> ServiceModel:
    localities = draw(st.lists(texts, unique=True, max_size=3))
    component_ids = draw(st.lists(ids, unique=True, max_size=8))
    components = []
    for cid in component_ids:
        c = {"id": cid, "kind": draw(st.sampled_from(list(cat.KINDS))), "name": draw(texts)}
        optional = {
            "cohorts": st.lists(st.sampled_from(list(cat.COHORTS)), unique=True),
            "commissioner": st.sampled_from(list(cat.COMMISSIONERS)),
            "procured": st.booleans(),
            "localities": st.lists(st.sampled_from(localities), unique=True)
            if localities else st.just([]),
            "capacity": st.integers(0, 10_000_000),
            "episode_months": st.floats(0.1, 600, allow_nan=False),
            "completion_percent": st.floats(0, 100, allow_nan=False),
            "estimated_annual_cost": amounts,
            "upper_age": st.integers(10, 30),
            "position": st.fixed_dictionaries({"x": st.floats(-1e6, 1e6, allow_nan=False),
                                               "y": st.integers(-5000, 5000)}),
            "notes": texts,
        }
        if cat.KINDS[c["kind"]].is_route:
            optional["annual_referrals"] = amounts
        for key, strategy in optional.items():
            if draw(st.booleans()):
                c[key] = draw(strategy)
        components.append(c)

    pairs = [(a, b) for a in component_ids for b in component_ids if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=10)) if pairs else []
    pathway_ids = iter(draw(st.lists(ids, unique=True, min_size=len(chosen),
                                     max_size=len(chosen))))
    pathways = []
    for source, target in chosen:
        p = {"source": source, "target": target}
        if draw(st.booleans()):
            p["id"] = next(pathway_ids)  # else the app assigns one
        if draw(st.booleans()):
            p["label"] = draw(texts)
        if draw(st.booleans()):
            p["share_percent"] = draw(st.floats(0, 100, allow_nan=False))
        pathways.append(p)

    funding = [{"id": fid, "name": draw(texts), "annual_amount": draw(money),
                "restricted_cohorts": draw(st.lists(st.sampled_from(list(cat.COHORTS)),
                                                    unique=True, max_size=2)),
                "recurrent": draw(st.booleans())}
               for fid in draw(st.lists(ids, unique=True, max_size=3))]

    plans = []
    for plan_id in draw(st.lists(ids, unique=True, max_size=3)):
        lots = []
        for lot_id in draw(st.lists(ids, unique=True, max_size=4)):
            lot = {"id": lot_id, "name": draw(texts),
                   "components": draw(st.lists(st.sampled_from(component_ids), unique=True))
                   if component_ids else [],
                   "contract": draw(contracts())}
            if funding and draw(st.booleans()):
                lot["funding"] = [{"source": draw(st.sampled_from([f["id"] for f in funding])),
                                   "annual_amount": draw(st.integers(0, 10**7))}]
            if draw(st.booleans()):
                lot["colour"] = draw(st.sampled_from(cat.LOT_COLOURS))
                lot["pattern"] = draw(st.sampled_from(cat.LOT_PATTERNS))
                lot["code"] = draw(st.text(max_size=8))
            lots.append(lot)
        plans.append({"id": plan_id, "name": draw(texts), "lots": lots,
                      "localities": draw(st.lists(texts, unique=True, max_size=2))})

    revisions = [{"number": n + 1, "author": draw(texts), "summary": draw(texts),
                  "time": draw(st.datetimes(min_value=datetime(2000, 1, 1),
                                            max_value=datetime(2100, 1, 1),
                                            timezones=st.none() | st.just(timezone.utc)))
                  .isoformat()}
                 for n in range(draw(st.integers(0, 3)))]

    raw = {"format": "service-model", "version": 2, "title": draw(texts),
           "authority": draw(texts), "notes": draw(texts), "localities": localities,
           "required_kinds": draw(st.lists(st.sampled_from(list(cat.KINDS)), unique=True,
                                           max_size=6)),
           "components": components, "pathways": pathways, "funding_sources": funding,
           "lot_plans": plans, "revisions": revisions}
    if plans:
        raw["active_plan"] = draw(st.sampled_from([p["id"] for p in plans]))
    return ServiceModel.model_validate(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(service_models())
def test_load_of_save_is_the_same_model_and_bytes_are_stable(model):
    data = serialise(model)
    again = parse_model(data)
    assert again == model
    assert serialise(again) == data
    assert b"\r" not in data and data.endswith(b"\n") and data.decode("utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(service_models())
def test_write_model_twice_gives_identical_files_and_a_backup(model):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.svcmodel"
        first = write_model(path, model)
        assert not path.with_name("model.svcmodel.bak").exists()
        second = write_model(path, model)
        assert first == second == path.read_bytes()
        assert path.with_name("model.svcmodel.bak").read_bytes() == first
        assert read_model(path) == model
        assert sorted(p.name for p in Path(folder).iterdir()) == ["model.svcmodel",
                                                                  "model.svcmodel.bak"]


def test_long_ids_still_give_a_saveable_pathway_id():
    # The id the app assigns to a pathway must itself be a valid id.
    a, b = "a" * 200, "b" * 200
    model = ServiceModel.model_validate({
        "components": [{"id": a, "kind": "adult_treatment", "name": "A"},
                       {"id": b, "kind": "recovery_service", "name": "B"}],
        "pathways": [{"source": a, "target": b}]})
    assert parse_model(serialise(model)) == model


def test_saved_files_are_indented_in_schema_key_order():
    model = read_model(DATA / "pinned-keys-only.svcmodel")
    text = serialise(model).decode()
    assert text.startswith('{\n  "format": "service-model",\n  "version": 2,\n  "title": ')
    keys = list(json.loads(text))
    assert keys == [k for k in ServiceModel.model_fields if k in keys]


# --- revisions -----------------------------------------------------------------------------

def test_each_save_with_a_revision_adds_one_entry():
    model = read_model(DATA / "pinned-keys-only.svcmodel")
    when = datetime(2024, 4, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)
    first = with_revision(model, "J Smith", "first draft", when)
    second = with_revision(first, "A Khan", "added detox")
    assert [r.number for r in second.revisions] == [1, 2]
    assert first.revisions[0].time == when.replace(microsecond=0)
    assert model.revisions == []  # the original is not changed
    assert parse_model(serialise(second)) == second
    assert '"time": "2024-04-01T09:30:15Z"' in serialise(first).decode()


# --- migration -----------------------------------------------------------------------------

def test_version_0_file_migrates_to_the_expected_version_1_model():
    migrated = read_model(DATA / "v0" / "draft-v0.svcmodel")
    expected = read_model(DATA / "v0" / "draft-expected-v1.svcmodel")
    assert migrated == expected
    assert migrated.pathway("aftercare").source == "adult"
    assert migrated.plan().lots[0].components == ["adult", "recovery"]


def test_version_0_problems_are_reported_after_migration():
    raw = json.loads((DATA / "v0" / "draft-v0.svcmodel").read_text())
    raw["links"][0]["to"] = "nowhere"
    with pytest.raises(Exception, match=r"pathways\[0\].target: no component has id 'nowhere'"):
        parse_model(json.dumps(raw).encode())


def test_migrated_file_saves_as_the_current_version(tmp_path):
    model = read_model(DATA / "v0" / "draft-v0.svcmodel")
    write_model(tmp_path / "draft.svcmodel", model)
    saved = json.loads((tmp_path / "draft.svcmodel").read_text())
    assert saved["version"] == 2 and "links" not in saved and "lots" not in saved


def test_version_1_file_opens_unchanged_and_saves_as_version_2(tmp_path):
    source = DATA / "pinned-keys-only.svcmodel"
    raw = json.loads(source.read_text())
    assert raw["version"] == 1
    model = read_model(source)
    saved = json.loads(serialise(model))
    assert saved.pop("version") == 2 and raw.pop("version") == 1
    # Every version 1 key keeps its value; the save only adds what the app fills in.
    for key, value in raw.items():
        assert saved[key] == value or key in ("components", "pathways", "lot_plans"), key
    assert [c["id"] for c in saved["components"]] == [c["id"] for c in raw["components"]]
    for old, new in zip(raw["components"], saved["components"]):
        assert {k: new[k] for k in old} == old
    for old, new in zip(raw["pathways"], saved["pathways"]):
        assert {k: new[k] for k in old} == old


def test_version_2_keys_are_checked_with_their_key_path():
    def problems(component: dict, pathway: dict | None = None) -> str:
        raw = {"format": "service-model", "version": 2,
               "components": [{"id": "self", "kind": "self_referral", "name": "Self"},
                              {"id": "adult", "kind": "adult_treatment", "name": "Adult"},
                              component],
               "pathways": [{"source": "self", "target": "adult", **(pathway or {})}]}
        with pytest.raises(ModelFileError) as caught:
            parse_model(json.dumps(raw).encode())
        return str(caught.value)

    route = {"id": "gp", "kind": "gp_referral", "name": "GP"}
    service = {"id": "rehab", "kind": "residential_rehab", "name": "Rehab"}
    assert "components[2].annual_referrals: should be 0 or more" in \
        problems({**route, "annual_referrals": -5})
    assert "components[2].annual_referrals: only a referral route has annual referrals" in \
        problems({**service, "annual_referrals": 40})
    assert "components[2].episode_months: should be more than 0" in \
        problems({**service, "episode_months": 0})
    assert "components[2].completion_percent: should be at most 100" in \
        problems({**service, "completion_percent": 140})
    assert "components[2].capacity: should be a whole number" in problems({**service, "capacity": 2.5})
    assert "pathways[0].share_percent: should be at most 100" in \
        problems(service, {"share_percent": 450})
    nan = (b'{"format": "service-model", "version": 2, "components": [{"id": "gp", '
           b'"kind": "gp_referral", "name": "GP", "annual_referrals": NaN}]}')
    with pytest.raises(ModelFileError, match="NaN"):
        parse_model(nan)


# --- a file of only the pinned keys ---------------------------------------------------------

def test_pinned_keys_only_file_loads_checks_and_resaves(tmp_path):
    source = DATA / "pinned-keys-only.svcmodel"
    model = read_model(source)
    assert model.plan().lots[1].colour and model.components[0].position is None
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(source)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1) and result.stderr == ""
    assert "Two lots" in result.stdout
    out = tmp_path / "resaved.svcmodel"
    write_model(out, model)
    assert read_model(out) == model
    resaved = json.loads(out.read_text())
    pinned = json.loads(source.read_text())
    for key in pinned:
        if key not in ("components", "pathways", "lot_plans", "version"):
            assert resaved[key] == pinned[key]
    assert pinned["version"] == 1 and resaved["version"] == 2


# --- atomic save ---------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    """A model file already on disk, and its bytes."""
    model = read_model(DATA / "pinned-keys-only.svcmodel")
    path = tmp_path / "model.svcmodel"
    write_model(path, model)
    return path, path.read_bytes(), model.model_copy(update={"title": "Changed title"})


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_failed_rename_leaves_the_file_untouched(saved, monkeypatch):
    path, before, changed = saved

    def refuse(source, target):
        raise OSError(30, "Read-only file system")
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SaveError, match="could not save model.svcmodel: Read-only file system"):
        write_model(path, changed)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_a_file_locked_for_a_moment_is_saved_on_retry(saved, monkeypatch):
    path, _, changed = saved
    real_replace, calls = os.replace, []

    def locked_once(source, target):
        calls.append(target)
        if len(calls) == 1:
            raise PermissionError(13, "The process cannot access the file")
        real_replace(source, target)
    monkeypatch.setattr(os, "replace", locked_once)
    monkeypatch.setattr(fileio, "LOCK_RETRY_SECONDS", 0)
    write_model(path, changed)
    assert read_model(path).title == "Changed title"


def test_short_writes_are_completed(saved, monkeypatch):
    path, _, changed = saved
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:100])))
    written = write_model(path, changed)
    assert path.read_bytes() == written and len(written) > 100


def test_full_disk_leaves_the_file_untouched(saved, monkeypatch):
    path, before, changed = saved
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(SaveError, match="not enough space on the disk"):
        write_model(path, changed)
    assert path.read_bytes() == before and leftovers(path.parent) == []


def test_saving_where_the_folder_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    model = read_model(DATA / "pinned-keys-only.svcmodel")
    with pytest.raises(SaveError, match="could not save model.svcmodel"):
        write_model(blocker / "model.svcmodel", model)
    assert blocker.read_text() == "x"


def test_read_only_folder_leaves_the_file_untouched(saved, tmp_path_factory):
    path, before, changed = saved
    source = tmp_path_factory.mktemp("changed") / "changed.svcmodel"
    write_model(source, changed)
    path.parent.chmod(0o555)
    try:
        result = save_as_plain_user(path, source)
    finally:
        path.parent.chmod(0o755)
    assert result.returncode == 3 and "not changed" in result.stdout, result
    assert path.read_bytes() == before


def test_an_inconsistent_model_is_not_written(saved):
    path, before, changed = saved
    broken = changed.model_copy(update={"active_plan": "no-such-plan"})
    with pytest.raises(SaveError, match="not consistent.*active_plan"):
        write_model(path, broken)
    assert path.read_bytes() == before


def test_stray_temp_files_are_cleaned(tmp_path):
    old = tmp_path / f"{TEMP_PREFIX}1092-m{TEMP_SUFFIX}"
    fresh = tmp_path / f"{TEMP_PREFIX}10df-m{TEMP_SUFFIX}"  # a save in progress elsewhere
    keep = tmp_path / "model.svcmodel"
    for p in (old, fresh, keep):
        p.write_text("x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert clean_stray_temp_files(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, keep.name])


def test_the_pinned_keys_example_in_the_docs_loads_and_checks():
    docs = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    example = docs.split("A file that holds only the pinned keys")[1].split("```json")[1]
    model = parse_model(example.split("```")[0].encode())
    assert model.plan().name == "Two lots"
    assert run_checks(model)  # it checks (the example is not a complete model)
