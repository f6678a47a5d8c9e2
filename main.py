"""Service Model Designer: the window, and the headless commands scripts rely on.

    python main.py [FILE]                      open the designer (the built-in example if no FILE)
    python main.py check FILE [--json] [--plan ID]
                                               coverage findings; exit 0 clean, 1 errors, 2 unreadable
    python main.py schema                      the JSON Schema of the file format
    python main.py templates                   the built-in templates
    python main.py new --template NAME OUT     start a model file from a template
    python main.py export FILE --pdf OUT.pdf [--plan ID] [--paper A4|A3] [--portrait]
                                 [--lot ID|L1] [--scale PCT]
                                               the printed lot pack (also --svg DIR, --png DIR,
                                               --geometry OUT.json: the diagrams as numbers)
    python main.py export FILE --xlsx OUT.xlsx | --csv OUT.csv [--plan ID]
                                               the lot schedule for tender documents
    python main.py diff OLD NEW [--json]       what changed; exit 0 same, 1 differ, 2 unreadable
    python main.py flow FILE [--json] [--plan ID]
                                               people a year against capacity; exit 0, 1 flow
                                               errors, 2 unreadable

Errors print one line to stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
COMMANDS = {}


def command(name: str, help: str):
    def register(func):
        COMMANDS[name] = (func, help)
        return func
    return register


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit 2, like every other refusal
        self.exit(EXIT_UNREADABLE, f"{self.prog}: {message}\n")


def _fail(message: str) -> int:
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_UNREADABLE


def _model_and_plan(opts):
    """The model in opts.file and the plan opts.plan names; else the one-line refusal as
    (None, exit code)."""
    from models import ModelFileError, read_model
    from models.lots import unknown_plan

    try:
        model = read_model(opts.file)
    except ModelFileError as e:
        return None, _fail(f"{opts.file}: {e}")
    if opts.plan and model.plan(opts.plan) is None:
        return None, _fail(f"{opts.file}: {unknown_plan(model, opts.plan)}")
    return model, EXIT_OK


@command("check", "print the coverage findings of a model file")
def cmd_check(args: list[str]) -> int:
    from models.checks import counts_text, run_checks, severity_counts
    from models.control_chars import escape_controls

    parser = _Parser(prog="main.py check", description="Print the coverage findings.")
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true", help="print findings as JSON")
    parser.add_argument("--plan", help="judge this lot plan instead of the active one")
    opts = parser.parse_args(args)
    model, refused = _model_and_plan(opts)
    if model is None:
        return refused
    findings = run_checks(model, opts.plan)
    counts = severity_counts(findings)
    if opts.json:
        json.dump({"findings": [f.to_json() for f in findings], "counts": counts,
                   "plan": opts.plan or model.active_plan}, sys.stdout, indent=2,
                  ensure_ascii=False)
        print()
    else:
        plan = model.plan(opts.plan)
        # One line each: a line break in a name must not start a line of its own ("0 errors").
        print(escape_controls(f"{model.title} - lot plan: {plan.name}", keep_newlines=False))
        for f in findings:
            print(escape_controls(f"{f.severity.upper():8} {f.rule}: {f.message}",
                                  keep_newlines=False))
        print(counts_text(counts))
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


@command("flow", "print the demand and capacity table of a model file")
def cmd_flow(args: list[str]) -> int:
    from models.checks import ERROR
    from models.flow import maximum_flow, run_flow
    from models.flow_table import report_lines

    parser = _Parser(prog="main.py flow", description="Print the people a year through each "
                     "service against its capacity (docs/flow.md).")
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--plan", help="lot totals for this lot plan instead of the active one")
    opts = parser.parse_args(args)
    model, refused = _model_and_plan(opts)
    if model is None:
        return refused
    result, best = run_flow(model, opts.plan), maximum_flow(model)
    if opts.json:
        json.dump({"components": [f.to_json() for f in result.components.values()],
                   "pathways": [{"id": p.id, "source": p.source, "target": p.target,
                                 "people": result.pathways[p.id]} for p in model.pathways],
                   "bottlenecks": result.bottlenecks,
                   "findings": [f.to_json() for f in result.findings],
                   "lots": [t.to_json() for t in result.lots],
                   "cohorts": [t.to_json() for t in result.cohorts],
                   "totals": {"referrals": result.referrals,
                              "treatment_starts": result.treatment_starts,
                              "completions": result.completions, "cost": result.cost,
                              "cost_per_completion": result.cost_per_completion},
                   "maximum": {"people": best.people, "limiting": best.limiting,
                               "uncapped": best.uncapped},
                   "plan": result.plan_id}, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print("\n".join(report_lines(model, result, best)))
        for f in result.findings:
            print(f"{f.severity.upper():8} {f.rule}: {f.message}")
    return EXIT_FINDINGS if any(f.severity == ERROR for f in result.findings) else EXIT_OK


@command("schema", "print the JSON Schema of the model file format")
def cmd_schema(args: list[str]) -> int:
    from models.schema import ServiceModel

    _Parser(prog="main.py schema").parse_args(args)
    schema = ServiceModel.model_json_schema()
    schema["$id"] = "https://example.invalid/service-model/v1.schema.json"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


@command("templates", "list the built-in templates")
def cmd_templates(args: list[str]) -> int:
    from models.templates import templates

    _Parser(prog="main.py templates").parse_args(args)
    for t in templates():
        print(f"{t.name:20} {t.title}")
    return EXIT_OK


@command("new", "write a new model file from a template")
def cmd_new(args: list[str]) -> int:
    from models import ModelFileError, SaveError, write_model
    from models.templates import load_template

    parser = _Parser(prog="main.py new", description="Start a model file from a template.")
    parser.add_argument("--template", required=True)
    parser.add_argument("out")
    opts = parser.parse_args(args)
    out = Path(opts.out)
    if out.exists():
        return _fail(f"{out} already exists; choose another name")
    if not out.parent.is_dir():
        return _fail(f"{out}: the folder {out.parent} does not exist")
    try:
        write_model(out, load_template(opts.template), keep_backup=False)
    except (KeyError, ModelFileError, SaveError) as e:
        return _fail(e.args[0] if isinstance(e, KeyError) else e)
    print(f"wrote {out}")
    return EXIT_OK


@command("diff", "show what changed between two model files")
def cmd_diff(args: list[str]) -> int:
    from models import ModelFileError, read_model
    from models.diff import diff_models

    parser = _Parser(prog="main.py diff",
                     description="Show what changed from OLD to NEW. Exit 0 when they hold the "
                                 "same model, 1 when they differ, 2 when a file cannot be read.")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    opts = parser.parse_args(args)
    models = []
    for name in (opts.old, opts.new):
        try:
            models.append(read_model(name))
        except ModelFileError as e:
            return _fail(f"{name}: {e}")
    diff = diff_models(*models)
    if opts.json:
        json.dump(diff.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        sys.stdout.write(diff.to_text())
    return EXIT_OK if diff.is_empty else EXIT_FINDINGS


@command("export", "write the printed lot pack (PDF, SVG, PNG) or lot schedule (Excel, CSV)")
def cmd_export(args: list[str]) -> int:
    from models import ModelFileError, read_model
    from models.lot_export import ExportError, export_schedule
    from models.lots import lot_words, lots_named, unknown_lot, unknown_plan

    parser = _Parser(prog="main.py export",
                     description="Write the printed lot pack and/or the lot schedule of a lot "
                                 "plan. Give one or more outputs.")
    parser.add_argument("file")
    parser.add_argument("--plan", help="this lot plan instead of the active one")
    parser.add_argument("--pdf", metavar="OUT.pdf", help="printed lot pack as one PDF")
    parser.add_argument("--svg", metavar="DIR", help="printed lot pack, one SVG file per page")
    parser.add_argument("--png", metavar="DIR", help="printed lot pack, one PNG file per page")
    parser.add_argument("--geometry", metavar="OUT.json",
                        help="where the pack's diagrams put each box, arrow, label and lot (JSON)")
    parser.add_argument("--paper", choices=["A4", "A3"], default="A4", help="pack paper size")
    # Landscape by default: the diagram runs left to right and prints at a readable size.
    parser.add_argument("--landscape", dest="landscape", action="store_true", default=True,
                        help="pack pages in landscape (the default)")
    parser.add_argument("--portrait", dest="landscape", action="store_false",
                        help="pack pages in portrait")
    parser.add_argument("--lot", metavar="LOT", help="only this lot's pages of the pack: its id, "
                        "or its code as printed (L1)")
    parser.add_argument("--scale", type=float, metavar="PERCENT",
                        help="also print the diagram at this scale across taped sheets")
    parser.add_argument("--xlsx", metavar="OUT.xlsx", help="lot schedule workbook for tenders")
    parser.add_argument("--csv", metavar="OUT.csv", help="lot schedule as CSV")
    opts = parser.parse_args(args)
    pack = opts.pdf or opts.svg or opts.png or opts.geometry
    if not (pack or opts.xlsx or opts.csv):
        return _fail("say what to write: --pdf OUT.pdf, --svg DIR, --png DIR, --geometry "
                     "OUT.json, --xlsx OUT.xlsx and/or --csv OUT.csv")
    written = []
    try:
        if pack:
            from designer.printing.headless import export_pack

            model = read_model(opts.file)
            plan = model.plan(opts.plan)
            if opts.plan and plan is None:
                return _fail(f"{opts.file}: {unknown_plan(model, opts.plan)}")
            if opts.lot and plan is not None:
                found = lots_named(plan, opts.lot)
                if not found:
                    return _fail(f"{opts.file}: {unknown_lot(plan, opts.lot)}")
                if len(found) > 1:
                    return _fail(f"{opts.file}: --lot {opts.lot} could mean "
                                 f"{' or '.join(lot_words(lot) for lot in found)}; give each "
                                 "lot its own code (check reports lot-code-duplicate)")
                print(f"--lot {opts.lot}: {lot_words(found[0])}", file=sys.stderr)
                opts.lot = found[0].id
            written += export_pack(model, pdf=opts.pdf, svg=opts.svg, png=opts.png,
                                   geometry=opts.geometry,
                                   plan=opts.plan, paper=opts.paper, landscape=opts.landscape,
                                   lot=opts.lot, scale=opts.scale)
        if opts.xlsx or opts.csv:
            written += [f"wrote {path}" for path in export_schedule(opts)]
    except (ModelFileError, ExportError) as e:
        return _fail(f"{opts.file}: {e}")
    except (ValueError, OSError) as e:
        return _fail(e)
    for line in written:
        print(line)
    return EXIT_OK


def run_gui(args: list[str]) -> int:
    from designer.app import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        from models.control_chars import escaped_output

        func, _ = COMMANDS[argv[0]]
        try:
            with escaped_output():  # file text must not reach the terminal as control codes
                return func(argv[1:])
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:  # output piped into `head` and cut short: not an error
            sys.stderr.close()
            return EXIT_OK
        except Exception as e:  # a bug must still not print a traceback at a commissioner
            from models.applog import log_unexpected, where_logged

            logged = log_unexpected(f"main.py {argv[0]}", e)
            return _fail(f"unexpected problem: {type(e).__name__}: {e}. {where_logged(logged)}")
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return EXIT_OK
    if argv and not _looks_like_a_model_file(argv[0]):
        # A mistyped command must not start a window that a script would wait on for ever.
        return _fail(f"unknown command or file {argv[0]!r}; the commands are "
                     f"{', '.join(sorted(COMMANDS))}, or give a .svcmodel file to open")
    return run_gui(argv)


def _looks_like_a_model_file(arg: str) -> bool:
    return arg.lower().endswith(".svcmodel") or Path(arg).is_file()


if __name__ == "__main__":
    sys.exit(main())
