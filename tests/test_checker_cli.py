"""The command line's JSON contract: `python -m checker list | describe | evaluate`.

Most tests call ``checker.cli.main(argv)`` in-process (stdin given, stdout and stderr captured),
on the frozen fixture pathways (tests/fixtures/content), so staff edits to content/ never change
them. A few run it as an educator or an outside tool would, a subprocess from a folder holding
content/. Bad input exits 2 with one line per problem on stderr, never a traceback.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

from checker import cli as checker_cli

from .checker_support import FIXTURE_DIR, ROOT


@dataclass
class Run:
    returncode: int
    out: str
    err: str


class Cli:
    """``python -m checker --content tests/fixtures/content ARGS``, run in-process."""

    def __init__(self, capsys, monkeypatch):
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def run(self, *args: str, stdin: str | bytes | None = None) -> Run:
        data = stdin.encode() if isinstance(stdin, str) else stdin or b""
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        self.capsys.readouterr()
        try:
            code = checker_cli.main(["--content", str(FIXTURE_DIR), *args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err
        return Run(code, out, err)

    def evaluate(self, pathway: str, answers) -> Run:
        return self.run(
            "evaluate", pathway, stdin=answers if isinstance(answers, (str, bytes)) else json.dumps(answers)
        )


@pytest.fixture
def cli(capsys, monkeypatch) -> Cli:
    return Cli(capsys, monkeypatch)


def subprocess_checker(*args: str, stdin: str | bytes | None = None, cwd=ROOT) -> Run:
    """The command line as a separate process, from ``cwd`` (it reads ``cwd``/content)."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, input=data, capture_output=True)
    run = Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    assert "Traceback" not in run.out + run.err
    return run


def test_list(cli):
    proc = cli.run("list")
    assert proc.returncode == 0 and proc.err == ""
    assert json.loads(proc.out) == [
        {
            "id": "fx-ipc-to-ccpc",
            "jurisdiction": "missouri",
            "title": "Initial Professional Certificate (IPC) to Career Continuous Professional Certificate (CCPC)",
        },
        {
            "id": "fx-iss-to-css",
            "jurisdiction": "missouri",
            "title": "Initial Student Services (ISS) to Career Student Services (CSS)",
        },
    ]


def test_describe_gives_inputs_and_requirements(cli):
    proc = cli.run("describe", "fx-iss-to-css")
    assert proc.returncode == 0
    data = json.loads(proc.out)
    assert data["id"] == "fx-iss-to-css"
    inputs = {i["name"]: i for i in data["inputs"]}
    assert inputs["experience_years"] == {
        "name": "experience_years",
        "type": "number",
        "label": "Years of approved student services experience",
        "hint": inputs["experience_years"]["hint"],
        "unit": "years",
        "at_least": 0,
        "more_than": None,
        "at_most": 60,
        "instead_of": None,
    }
    assert inputs["experience"]["type"] == "list" and inputs["experience"]["instead_of"] == "experience_years"
    fte = next(f for f in inputs["experience"]["fields"] if f["name"] == "fte")
    assert (fte["more_than"], fte["at_most"]) == (0, 1)
    assert inputs["issued_on"]["type"] == "date"
    assert inputs["pbsse"]["type"] == "boolean"
    reqs = {r["id"]: r for r in data["requirements"]}
    assert list(reqs) == ["experience", "mentoring", "professional_development", "pbsse"]
    assert reqs["professional_development"]["rules"] == ["pd_contact_hours + 15 * pd_semester_hours >= 40"]
    assert all(r["source"] == "fx-iss-to-css" and r["text"] for r in reqs.values())
    assert data["expiry"] == {"input": "issued_on", "years": 4}
    assert "rule" not in json.dumps(data["inputs"])


@pytest.mark.parametrize(
    "answers,status",
    [
        (
            {
                "experience_years": 4,
                "pd_contact_hours": 30,
                "pd_plan_approved": True,
                "mentoring_years": 2,
                "btap": True,
                "pbte": True,
            },
            "eligible",
        ),
        ({"experience_years": 3.99}, "not_yet"),
        ({"experience_years": 4}, "incomplete"),
    ],
)
def test_evaluate_prints_the_result_and_exits_0_whatever_the_status(cli, answers, status):
    proc = cli.evaluate("fx-ipc-to-ccpc", answers)
    assert proc.returncode == 0 and proc.err == ""
    result = json.loads(proc.out)
    assert result["pathway"] == "fx-ipc-to-ccpc" and result["status"] == status
    assert [r["id"] for r in result["requirements"]] == [
        "experience",
        "professional_development",
        "mentoring",
        "btap",
        "pbte",
    ]
    for r in result["requirements"]:
        assert set(r) == {"id", "status", "message", "remaining"}
        assert r["status"] in ("met", "unmet", "unknown")
        assert isinstance(r["message"], str) and r["message"]
        assert r["remaining"] is None or isinstance(r["remaining"], (int, float))
    assert result["sources"][0]["id"] == "fx-ipc-to-ccpc" and result["sources"][0]["title"]
    assert "final determination" in result["determination"] and "DESE" in result["determination"]
    assert "expires_on" not in result


def test_evaluate_reads_a_file_and_gives_remaining_amounts(cli, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"pd_contact_hours": 29, "pd_plan_approved": True, "experience_years": 2.5}))
    proc = cli.run("evaluate", "fx-ipc-to-ccpc", "--answers", str(answers))
    assert proc.returncode == 0, proc.err
    reqs = {r["id"]: r for r in json.loads(proc.out)["requirements"]}
    assert reqs["experience"] == {
        "id": "experience",
        "status": "unmet",
        "remaining": 1.5,
        "message": "You have 2.5 of the 4 years of state-approved teaching experience; 1.5 to go.",
    }
    assert reqs["professional_development"]["remaining"] == 1
    assert reqs["btap"]["remaining"] is None


def test_evaluate_gives_expires_on_four_years_after_issue(cli):
    result = json.loads(cli.evaluate("fx-iss-to-css", {"issued_on": "2023-09-01"}).out)
    assert result["expires_on"] == "2027-09-01"
    assert result["status"] == "incomplete"


def test_semester_hours_are_converted(cli):
    result = json.loads(cli.evaluate("fx-iss-to-css", {"pd_contact_hours": 5, "pd_semester_hours": 2}).out)
    pd = next(r for r in result["requirements"] if r["id"] == "professional_development")
    assert (pd["status"], pd["remaining"]) == ("unmet", 5)


ISS_ENTRY = {"years": 2, "setting": "mo_public", "fte": 1, "contracted": True}


@pytest.mark.parametrize(
    "pathway,answers,lines",
    [
        ("fx-ipc-to-ccpc", '{"btap": tru}', ["the answers are not valid JSON: Expecting value (line 1, column 10)"]),
        ("fx-ipc-to-ccpc", "", ["the answers are not valid JSON: Expecting value (line 1, column 1)"]),
        ("fx-ipc-to-ccpc", b"\xff\xfe{}", ["the answers are not UTF-8 text (byte 0)"]),
        ("fx-ipc-to-ccpc", '{"experience_years": NaN}', ["the answers are not valid JSON: NaN is not a JSON number"]),
        ("fx-ipc-to-ccpc", '{"btap": true, "btap": false}', ["answer 'btap' is given twice"]),
        ("fx-ipc-to-ccpc", "[1, 2]", ["the answers should be a JSON object of 'question: answer' pairs, not a list"]),
        (
            "fx-ipc-to-ccpc",
            {"experiance_years": 4},
            ["unknown answer 'experiance_years' (did you mean 'experience_years'?)"],
        ),
        ("fx-ipc-to-ccpc", {"colour": 4}, ["unknown answer 'colour'"]),
        ("fx-ipc-to-ccpc", {"experience_years": "four"}, ["experience_years: should be a number, not the text 'four'"]),
        ("fx-ipc-to-ccpc", {"btap": "yes"}, ["btap: should be true or false, not the text 'yes'"]),
        ("fx-ipc-to-ccpc", {"pbte": None, "btap": 0}, ["btap: should be true or false, not 0"]),
        ("fx-ipc-to-ccpc", {"mentoring_years": True}, ["mentoring_years: should be a number, not true"]),
        ("fx-ipc-to-ccpc", {"experience_years": -1}, ["experience_years: must be at least 0 and at most 60 (got -1)"]),
        (
            "fx-ipc-to-ccpc",
            {"pd_contact_hours": 1e9},
            ["pd_contact_hours: must be at least 0 and at most 10000 (got 1000000000)"],
        ),
        (
            "fx-ipc-to-ccpc",
            '{"pd_contact_hours": 1e999}',
            ["pd_contact_hours: should be an ordinary number, not infinity"],
        ),
        (
            "fx-iss-to-css",
            {"issued_on": "2024-13-01"},
            ["issued_on: '2024-13-01' is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15"],
        ),
        ("fx-iss-to-css", {"issued_on": 20240801}, ["issued_on: should be a date written YYYY-MM-DD, not 20240801"]),
        (
            "fx-iss-to-css",
            {"experience": [dict(ISS_ENTRY, setting="accredited_nonpublic", accreditor="southrn")]},
            [
                "experience[0].accreditor: unknown value 'southrn' (did you mean 'southern'?); "
                "choose one of north-central, "
                "middle-states, new-england, northwest, western, southern, nfnsaa, isacs, national-lutheran, mapcy"
            ],
        ),
        (
            "fx-iss-to-css",
            {"experience": [dict(ISS_ENTRY, fte=0)]},
            ["experience[0].fte: must be more than 0 and at most 1 (got 0)"],
        ),
        (
            "fx-iss-to-css",
            {"experience": [ISS_ENTRY, dict(ISS_ENTRY, fte=1.01)]},
            ["experience[1].fte: must be more than 0 and at most 1 (got 1.01)"],
        ),
        (
            "fx-iss-to-css",
            {"experience": [dict(ISS_ENTRY, years=-2)]},
            ["experience[0].years: must be more than 0 and at most 60 (got -2)"],
        ),
        (
            "fx-iss-to-css",
            {"experience": [dict(ISS_ENTRY, setting="private")]},
            ["experience[0].setting: unknown value 'private'; choose one of mo_public, accredited_nonpublic, other"],
        ),
        (
            "fx-iss-to-css",
            {"experience": [dict(ISS_ENTRY, yeras=2)]},
            ["experience[0]: unknown field 'yeras' (did you mean 'years'?)"],
        ),
        (
            "fx-iss-to-css",
            {"experience": [4]},
            ["experience[0]: should be an object with the fields years, setting, accreditor, fte, contracted; not 4"],
        ),
        ("fx-iss-to-css", {"experience": 4}, ["experience: should be a list of entries, not 4"]),
        (
            "fx-iss-to-css",
            {"experience_years": 4, "experience": [ISS_ENTRY]},
            ["give either 'experience_years' or 'experience', not both"],
        ),
        (
            "fx-iss-to-css",
            {"pd_semester_hours": -0.5, "pbsse": "true", "mentoring_yrs": 2, "issued_on": "15/08/2024"},
            [
                "unknown answer 'mentoring_yrs' (did you mean 'mentoring_years'?)",
                "pd_semester_hours: must be at least 0 and at most 1000 (got -0.5)",
                "pbsse: should be true or false, not the text 'true'",
                "issued_on: '15/08/2024' is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15",
            ],
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(cli, pathway, answers, lines):
    proc = cli.evaluate(pathway, answers)
    assert proc.returncode == 2
    assert proc.out == ""
    assert proc.err.splitlines() == lines


def test_unknown_pathway(cli):
    for command in (["describe", "fx-ipc-to-ccp"], ["evaluate", "fx-ipc-to-ccp"]):
        proc = cli.run(*command, stdin="{}")
        assert proc.returncode == 2 and proc.out == ""
        assert proc.err.splitlines() == [
            "unknown pathway 'fx-ipc-to-ccp' (did you mean 'fx-ipc-to-ccpc'?); "
            "the pathways are fx-ipc-to-ccpc, fx-iss-to-css"
        ]


def test_missing_answers_file(cli, tmp_path):
    proc = cli.run("evaluate", "fx-ipc-to-ccpc", "--answers", str(tmp_path / "nope.json"))
    assert proc.returncode == 2
    assert proc.err.splitlines() == [
        f"cannot read the answers file '{tmp_path / 'nope.json'}': No such file or directory"
    ]


def test_usage_errors_exit_2(cli):
    for args in ([], ["evaluate"], ["frobnicate"]):
        proc = cli.run(*args)
        assert proc.returncode == 2 and proc.err


def test_invalid_content_exits_1_with_file_line_col(tmp_path):
    shutil.copytree(FIXTURE_DIR, tmp_path / "content")
    path = tmp_path / "content" / "pathways" / "fx-ipc-to-ccpc.yml"
    path.write_text(path.read_text().replace("rule: experience_years >= 4", "rule: experience_yeras >= 4"))
    proc = subprocess_checker("list", cwd=tmp_path)
    assert proc.returncode == 1 and proc.out == ""
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "experience_yeras" in t)
    assert proc.err.splitlines()[0] == (
        f"content/pathways/fx-ipc-to-ccpc.yml:{line}:11: requirements[0].rule: unknown input 'experience_yeras' "
        "(did you mean 'experience_years'?)"
    )


def test_the_cli_reads_the_yaml_in_the_working_directory(tmp_path):
    """Staff change a threshold in one place and the command line follows at once."""
    shutil.copytree(FIXTURE_DIR, tmp_path / "content")
    path = tmp_path / "content" / "pathways" / "fx-ipc-to-ccpc.yml"
    path.write_text(path.read_text().replace("rule: experience_years >= 4", "rule: experience_years >= 5"))
    proc = subprocess_checker("evaluate", "fx-ipc-to-ccpc", stdin='{"experience_years": 4.5}', cwd=tmp_path)
    experience = json.loads(proc.out)["requirements"][0]
    assert (experience["status"], experience["remaining"]) == ("unmet", 0.5)


def test_from_the_repository_root_it_lists_the_real_pathways():
    """As an educator runs it: ``python -m checker list`` in a clone reads ./content."""
    from certkb.loader import load_content

    run = subprocess_checker("list", cwd=ROOT)
    assert run.returncode == 0 and run.err == ""
    content = load_content(ROOT / "content")
    assert [p["id"] for p in json.loads(run.out)] == list(content.pathways) + list(content.choosers)
