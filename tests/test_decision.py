"""The decision loop of spec 1.1 part A: measurements, CSV files, before/after, gate windows, sign-off."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.decision import evaluate, recommend
from cadee.load import load_blueprint
from cadee.measurements import parse_measurements_csv
from cadee.model import Blueprint

D = dt.date


def write(folder: Path, text: str, csv: str | None = None) -> Path:
    (folder / ".git").mkdir(exist_ok=True)
    path = folder / "bp.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    if csv is not None:
        (folder / "fcr.csv").write_bytes(csv.encode("utf-8"))
    return path


def load(folder: Path, text: str, csv: str | None = None) -> Blueprint:
    result = load_blueprint(write(folder, text, csv))
    assert result.blueprint is not None, [str(e) for e in result.errors]
    return result.blueprint


def errors(folder: Path, text: str, csv: str | None = None) -> list[str]:
    result = load_blueprint(write(folder, text, csv))
    return [str(e) for e in result.errors]


def blueprint_with(gate: str = "", measurements: str = "", extra: str = "", meta: str = "") -> str:
    return f"""\
    cadee: 1
    blueprint: {{id: bp, title: T, owner: ops, live_since: 2026-03-01{meta}}}
    owners: [{{id: ops, name: Ops}}, {{id: comp, name: Compliance}}]
    kpis:
      - id: fcr
        name: First-contact resolution
        unit: "%"
        direction: increase
        measurements: [{measurements}]
    gates:
      - {{id: g, action: pause, when: FCR drops, kpi: fcr, decided_by: ops{gate}}}
    {extra}
    """


def points(*pairs: tuple[str, float | str]) -> str:
    return ", ".join(f"{{date: {d}, value: {v}}}" for d, v in pairs)


# -- before and after ------------------------------------------------------------------


def test_before_and_after_split_at_live_since_and_ignore_what_is_after_as_of(
    tmp_path: Path,
) -> None:
    text = blueprint_with(
        measurements=points(
            ("2026-02-01", 60),
            ("2026-02-28", 62),
            ("2026-03-01", 66),
            ("2026-03-08", 70),
            ("2026-04-01", 10),
        )
    )
    [kpi] = evaluate(load(tmp_path, text), D(2026, 3, 31)).kpis
    assert (kpi.before.count, kpi.before.mean, kpi.before.latest) == (2, 61.0, 62)
    assert (kpi.after.count, kpi.after.mean, kpi.after.latest) == (
        2,
        68.0,
        70,
    )  # 2026-04-01 is after as-of
    assert kpi.change == 7.0 and kpi.relative_change == pytest.approx(7 / 61)
    assert kpi.improvement is True and kpi.percentage


def test_a_side_without_measurements_has_no_mean_and_no_change(tmp_path: Path) -> None:
    [kpi] = evaluate(
        load(tmp_path, blueprint_with(measurements=points(("2026-02-01", 60)))), D(2026, 6, 1)
    ).kpis
    assert (kpi.after.count, kpi.after.mean, kpi.after.latest) == (0, None, None)
    assert (kpi.change, kpi.relative_change, kpi.improvement) == (None, None, None)


def test_no_relative_change_from_zero_and_no_improvement_without_change(tmp_path: Path) -> None:
    text = blueprint_with(measurements=points(("2026-02-01", 0), ("2026-03-02", 0)))
    [kpi] = evaluate(load(tmp_path, text), D(2026, 6, 1)).kpis
    assert (kpi.change, kpi.relative_change, kpi.improvement) == (0.0, None, False)


# -- gate windows ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "as_of", "status"),
    [
        # for_days 14 as of 03-21: the window runs 03-08..03-21 inclusive.
        ("{below: 61, for_days: 14}", "2026-03-21", "triggered"),  # 03-08 (59), 03-15 (58)
        ("{below: 61, for_days: 13}", "2026-03-21", "no-data"),  # 03-09..: only 03-15
        ("{below: 61, for_days: 13, min_points: 1}", "2026-03-21", "triggered"),
        ("{below: 59, for_days: 14}", "2026-03-21", "clear"),  # 59 is not strictly below 59
        (
            "{below: 61, for_days: 21}",
            "2026-03-21",
            "clear",
        ),  # 03-01 (64) is the window's first day
        (
            "{below: 61, for_days: 20}",
            "2026-03-21",
            "triggered",
        ),  # ... and the day before this one's
        ("{below: 61}", "2026-03-21", "triggered"),  # the latest: 03-15 (58)
        ("{below: 61}", "2026-03-14", "triggered"),  # 03-08 (59); 03-15 is after as-of
        ("{below: 61}", "2026-03-07", "clear"),  # 03-01 (64)
        ("{below: 61}", "2026-01-31", "no-data"),  # nothing on or before as-of
        ("{below: 61, min_points: 2}", "2026-03-21", "no-data"),  # without for_days: at most one
        ("{above: 63, for_days: 1}", "2026-03-01", "no-data"),  # min_points defaults to 2
        ("{above: 63, for_days: 1, min_points: 1}", "2026-03-01", "triggered"),
    ],
)
def test_gate_status_at_the_window_boundaries(
    tmp_path: Path, trigger: str, as_of: str, status: str
) -> None:
    text = blueprint_with(
        gate=f", trigger: {trigger}",
        measurements=points(
            ("2026-02-01", 60), ("2026-03-01", 64), ("2026-03-08", 59), ("2026-03-15", 58)
        ),
    )
    [gate] = evaluate(load(tmp_path, text), D.fromisoformat(as_of)).gates
    assert gate.status == status


def test_a_gate_without_trigger_is_manual_and_thresholds_never_decide(tmp_path: Path) -> None:
    text = blueprint_with(measurements=points(("2026-03-08", 1)))
    [gate] = evaluate(load(tmp_path, text), D(2026, 6, 1)).gates
    assert gate.status == "manual"


def test_recommended_decision(tmp_path: Path) -> None:
    text = blueprint_with(
        gate=", trigger: {below: 61}",
        measurements=points(("2026-03-08", 59)),
        extra="  - {id: s, action: scale, when: FCR holds, kpi: fcr, trigger: {above: 50}}",
    )
    evaluation = evaluate(load(tmp_path, text), D(2026, 6, 1))
    assert recommend(evaluation).action == "pause"
    calm = evaluate(load(tmp_path, text.replace("value: 59", "value: 65")), D(2026, 6, 1))
    assert recommend(calm).action == "scale"
    held = recommend(calm, blocking=("2 unwaived errors",))
    assert (held.action, held.blocked_by) == ("continue", ("2 unwaived errors",))


# -- stage 1 ----------------------------------------------------------------------------


def test_same_date_twice_is_an_error_naming_both_even_after_as_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = blueprint_with(measurements=points(("2030-01-01", 1), ("2030-01-01", 2)))
    [error] = errors(tmp_path, text)
    assert (
        "bp.yaml:9:" in error
        and "a second measurement of KPI 'fcr' dated 2030-01-01: first at bp.yaml:9" in error
    )


def test_trigger_needs_a_kpi_and_exactly_one_threshold(tmp_path: Path) -> None:
    text = blueprint_with(gate=", trigger: {below: 1, above: 2}").replace("kpi: fcr, ", "")
    found = errors(tmp_path, text)
    assert any(
        "exactly one of `below` or `above`" in e and "[gates[0].trigger]" in e for e in found
    )
    text = blueprint_with(gate=", trigger: {below: 1}").replace("kpi: fcr, ", "")
    assert any("names no `kpi`" in e for e in errors(tmp_path, text))


def test_measurement_values_are_numbers_and_dates_are_calendar_dates(tmp_path: Path) -> None:
    text = blueprint_with(
        measurements="{date: 2026-02-30, value: 1}, {date: 2026-03-01, value: true}, "
        "{date: '2026-03-02 10:00', value: 2}"
    )
    found = errors(tmp_path, text)
    assert len(found) == 3, found
    assert any("measurements[1].value" in e for e in found)


def test_values_beyond_the_float_range_are_located_errors_and_near_it_still_average(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 400-digit value (inline or in a CSV row) cannot be averaged: a located error, not
    "internal error (OverflowError)". Finite values near the limit average and compare,
    and a change that is beyond the float range is absent, never ``Infinity`` in JSON."""
    huge = "1" + "0" * 400
    found = errors(tmp_path, blueprint_with(measurements=points(("2026-02-01", huge))))
    assert len(found) == 1 and "number too large" in found[0], found
    assert "measurements[0].value" in found[0]
    _, problems = parse_measurements_csv(f"date,value\n2026-02-01,{huge}\n".encode())
    assert [(p.line, p.column) for p in problems] == [(2, 12)]
    assert "is too large" in problems[0].message

    text = blueprint_with(
        measurements=points(
            ("2026-02-01", "-1.7e+308"),
            ("2026-02-08", "-1.7e+308"),
            ("2026-03-01", "1.7e+308"),
            ("2026-03-08", "1.7e+308"),
        ),
        gate=", trigger: {below: 1}",
    )
    [kpi] = evaluate(load(tmp_path, text), D(2026, 6, 1)).kpis
    assert (kpi.before.mean, kpi.after.mean) == (-1.7e308, 1.7e308)
    assert (kpi.change, kpi.relative_change, kpi.improvement) == (None, None, None)
    for command in (["validate", "-f", "json"], ["status", "-f", "json"], ["status"]):
        code = main([*command, str(tmp_path / "bp.yaml"), "--as-of", "2026-06-01"])
        out, err = capsys.readouterr()
        assert code in (0, 1) and "internal error" not in err, err
        assert "Infinity" not in out and "NaN" not in out
        if "json" in command:
            json.loads(out)
    # matplotlib's transforms overflow on such values: the brief says why there is no chart.
    out_dir = tmp_path / "pack"
    pack = ["-o", str(out_dir), "-f", "md,html", "--as-of", "2026-06-01"]
    code = main(["render", str(tmp_path / "bp.yaml"), *pack])
    _, err = capsys.readouterr()
    assert code in (0, 1) and "internal error" not in err, err
    brief = (out_dir / "brief.md").read_text(encoding="utf-8")
    assert "Not charted, values beyond ±10^15: First-contact resolution." in brief
    assert "| -1.7e+308% (2) | 1.7e+308% (2) |" in brief


def test_approvals_name_owners(tmp_path: Path) -> None:
    text = blueprint_with(
        extra="""approvals:
      - {by: compliance, version: "1.0", date: 2026-01-01, decision: approved}"""
    )
    [error] = errors(tmp_path, text)
    assert "unknown owner 'compliance'" in error and "[approvals[0].by]" in error


# -- CSV files --------------------------------------------------------------------------


def test_csv_rows_are_located_and_all_reported() -> None:
    data = (
        "\ufeffdate,value,note\r\n"
        "2026-01-05,61,\r\n"
        '"2026-01-12","62.5","said ""hi"", then\nleft"\r\n'
        "\r\n"
        "2026-01-19,n/a,\r\n"
        "2026-02-30,1,\r\n"
        "2026-01-26,1e999,\r\n"
        "2026-02-02,3\r\n"
        '2026-02-09,"4"x,\r\n'
    ).encode()
    rows, problems = parse_measurements_csv(data)
    assert [(r.date, r.value, r.note, r.line) for r in rows] == [
        (D(2026, 1, 5), 61, None, 2),
        (D(2026, 1, 12), 62.5, 'said "hi", then\nleft', 3),
    ]
    assert [(p.line, p.column, p.message) for p in problems] == [
        (6, 12, "value 'n/a' is not a number"),
        (7, 1, "date '2026-02-30' is not a calendar date"),
        (8, 12, "value '1e999' is too large"),
        (9, 1, "the row has 2 fields; the header has 3"),
        (10, 15, "unexpected text after a closing quote"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"date;value\n", "the header is 'date;value'"),
        (b"Date,Value\n", "the header is 'Date,Value'"),
        (b"date,value,unit\n", "it must be `date,value` or `date,value,note`"),
        (b'date,value\n"2026-01-01,1\n', "a quoted field is never closed"),
        (b"date,value\n2026-01-01,\xff\n", "the file is not UTF-8"),
        (b"date,value\n2026-01-01, 1\n", "value ' 1' is not a number"),  # fields are never trimmed
        (b"date,value\n2026-1-01,1\n", "is not YYYY-MM-DD"),
    ],
)
def test_csv_errors(data: bytes, message: str) -> None:
    _, problems = parse_measurements_csv(data)
    assert any(message in p.message for p in problems), problems


def test_csv_header_only_holds_no_measurements() -> None:
    assert parse_measurements_csv(b"date,value\n") == ([], [])
    assert parse_measurements_csv(b"date,value") == ([], [])


def test_measurements_file_is_merged_and_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = blueprint_with(measurements=points(("2026-03-03", 60))).replace(
        "measurements: [", "measurements_file: fcr.csv\n        measurements: ["
    )
    blueprint = load(tmp_path, text, "date,value\n2026-03-02,70\n")
    assert [
        (p.date, p.value, p.location.file, p.location.line) for p in blueprint.measurements["fcr"]
    ] == [
        (D(2026, 3, 2), 70, "fcr.csv", 2),
        (D(2026, 3, 3), 60, "bp.yaml", 10),
    ]
    assert "fcr.csv" in [f.path for f in blueprint.files]  # provenance names the CSV file


def test_measurements_file_errors_name_the_csv_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = blueprint_with(measurements=points(("2026-02-01", 60))).replace(
        "measurements: [", "measurements_file: fcr.csv\n        measurements: ["
    )
    found = errors(
        tmp_path,
        text,
        "date,value\n2026-02-01,1\n"
        + "".join(f"2026-01-{d:02},1\n" for d in range(10, 21))
        + "2026-02-13,n/a\n",
    )
    assert "fcr.csv:14:12: value 'n/a' is not a number" in found
    assert (
        "fcr.csv:2:1: a second measurement of KPI 'fcr' dated 2026-02-01: first at bp.yaml:10"
        in found
    )


@pytest.mark.parametrize(
    "target", ["../outside.csv", "/etc/passwd", "link.csv", "missing.csv", "folder"]
)
def test_measurements_file_is_confined_like_includes(tmp_path: Path, target: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.csv").write_text("date,value\nSECRET,1\n")
    (project / "link.csv").symlink_to(tmp_path / "outside.csv")
    (project / "folder").mkdir()
    text = blueprint_with().replace("measurements: []", f"measurements_file: {target}")
    found = errors(project, text)
    assert len(found) == 1 and "SECRET" not in found[0], found
    assert "[kpis[0].measurements_file]" in found[0]


# -- the JSON report -------------------------------------------------------------------


def test_json_report_carries_kpis_and_gates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = blueprint_with(
        gate=", trigger: {below: 61, for_days: 14}",
        measurements=points(("2026-02-01", 60), ("2026-03-08", 59), ("2026-03-15", 58)),
    )
    path = write(tmp_path, text)
    main(["validate", str(path), "--format", "json", "--as-of", "2026-03-21", "--select", "OWN"])
    data = json.loads(capsys.readouterr().out)
    assert data["kpis"] == [
        {
            "id": "fcr",
            "unit": "%",
            "before": {"count": 1, "mean": 60.0, "latest": 60},
            "after": {"count": 2, "mean": 58.5, "latest": 58},
            "change": -1.5,
            "change_unit": "percentage points",
            "relative_change": -0.025,
            "improvement": False,
        }
    ]
    [gate] = data["gates"]
    assert (gate["id"], gate["status"], gate["window"]["from"]) == ("g", "triggered", "2026-03-08")
    assert [m["date"] for m in gate["window"]["measurements"]] == ["2026-03-08", "2026-03-15"]


def test_json_report_of_an_invalid_blueprint_has_empty_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, blueprint_with(gate=", trigger: {}"))
    main(["validate", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert (data["valid"], data["kpis"], data["gates"]) == (False, [], [])


# -- sign-off ----------------------------------------------------------------------------


def test_only_each_approvers_latest_entry_of_this_version_counts(tmp_path: Path) -> None:
    text = blueprint_with(
        meta=', version: "2.0", approvers: [ops, comp]',
        extra="""approvals:
      - {by: ops, version: "2.0", date: 2026-05-01, decision: rejected}
      - {by: ops, version: "2.0", date: 2026-05-02, decision: approved}
      - {by: comp, version: "2.0", date: 2026-05-03, decision: approved}
      - {by: comp, version: "2.0", date: 2026-05-03, decision: rejected, note: "same day, later entry"}
      - {by: comp, version: "1.0", date: 2026-05-04, decision: approved}""",
    )
    record = evaluate(load(tmp_path, text), D(2026, 6, 1)).sign_off
    assert record.counting["ops"].decision == "approved"
    assert record.counting["comp"].decision == "rejected"
    assert record.missing == ("comp",) and not record.complete
    early = evaluate(
        load(tmp_path, text), D(2026, 5, 1)
    ).sign_off  # entries after as-of are ignored
    assert early.missing == ("ops", "comp")


# -- cadee status ------------------------------------------------------------------------


def test_status_of_the_flagship_says_continue_and_exits_0(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["status", "examples/northwind-bank/blueprint.yaml", "--as-of", "2026-06-01"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert (
        "First-contact resolution (nw-kpi-fcr)  " in out
        and "67.5% (13)" in out
        and "+5.60 pp" in out
    )
    assert "Sign-off of version 2.3: 3 of 3 approvers" in out
    assert "clear   pause     nw-gate-pause-csat" in out
    assert out.rstrip().endswith(
        "Recommended decision: CONTINUE: no pause, redesign or scale gate has fired"
    )


def test_status_of_the_pilot_says_pause_and_exits_1(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["status", "examples/northwind-pilot/blueprint.yaml", "--as-of", "2026-06-01"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FIRED   pause     pilot-gate-pause-csat" in out
    assert "pilot-compliance: missing" in out
    assert (
        "Recommended decision: PAUSE: gates 'pilot-gate-pause-csat', 'pilot-gate-redesign' fired"
        in out
    )


def test_status_json_and_invalid_blueprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        blueprint_with(gate=", trigger: {below: 61}", measurements=points(("2026-03-08", 59))),
    )
    assert main(["status", str(path), "--as-of", "2026-06-01", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["decision"], data["gates"][0]["status"], data["kpis"][0]["after"]["count"]) == (
        "pause",
        "triggered",
        1,
    )
    path.write_text("cadee: 1\nblueprint: {id: bp, title: T, owner: nobody}\n")
    assert main(["status", str(path)]) == 2
    out = capsys.readouterr().out
    assert "unknown owner 'nobody'" in out and "no rules ran" in out
    # Asked for JSON, the errors come as validate -f json writes them.
    assert main(["status", str(path), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False and "unknown owner 'nobody'" in data["errors"][0]["message"]


# -- cadee render --since ------------------------------------------------------------------


def _git(folder: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_render_since_adds_what_changed_since_the_last_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from tests.conftest import REPO

    folder = tmp_path / "repo"
    shutil.copytree(REPO / "examples" / "northwind-pilot", folder)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", "the pilot as decided")
    _git(folder, "tag", "decided")
    path = folder / "blueprint.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "      - {date: 2026-05-25, value: 3.7}",
        "      - {date: 2026-05-25, value: 3.7}\n      - {date: 2026-06-01, value: 3.9}",
    )
    text += '\napprovals:\n  - {by: pilot-compliance, version: "0.3", date: 2026-05-30, decision: rejected}\n'
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "pack"
    code = main(
        [
            "render",
            str(path),
            "--out",
            str(out),
            "-f",
            "md",
            "--as-of",
            "2026-06-01",
            "--since",
            "decided",
        ]
    )
    assert code == 0, capsys.readouterr()
    brief = (out / "brief.md").read_text(encoding="utf-8")
    section = brief.split("## Since the last decision (decided)", 1)[1].split("\n#", 1)[0]
    assert "pilot-gate-pause-csat: fired → clear" in section
    assert "Compliance (rejected of 0.3, 2026-05-30)" in section
    assert "New findings" not in section  # the architecture did not change
    # Without --since there is no such section; an unknown revision is a usage error.
    assert main(["render", str(path), "--out", str(out), "-f", "md", "--as-of", "2026-06-01"]) == 0
    assert "Since the last decision" not in (out / "brief.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["render", str(path), "--out", str(out), "-f", "md", "--since", "no-such-tag"]) == 2
    assert "--since" in capsys.readouterr().err


def test_render_since_an_empty_revision_names_its_own_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, blueprint_with())
    code = main(["render", str(path), "--since", "", "-f", "md", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("cadee: error: --since needs a revision"), err


def test_means_are_exactly_rounded_on_every_python(in_repo: None) -> None:
    # 3.11's sum() gives 67.50000000000001 for these measurements, 3.12's 67.5: fsum is exact.
    blueprint = load_blueprint("examples/northwind-bank/blueprint.yaml").blueprint
    assert blueprint is not None
    [fcr, *_] = evaluate(blueprint, D(2026, 6, 1)).kpis
    assert fcr.before.mean == 67.5
