"""The `check` command: a health report of the store, which crictl has no equivalent of."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

import click

from criimages.cli.main import GLOBAL_OPTIONS_EPILOG, group
from criimages.cli.shared import FAILURE_EXIT_CODE, Context
from typing import TYPE_CHECKING
from criimages.terminal import escape_line

if TYPE_CHECKING:
    from criimages.health import Finding

# The object column of a finding whose images.json record has no string ID.
NO_ID = "-"


@group.command("check", epilog=GLOBAL_OPTIONS_EPILOG, short_help="Check the store for missing layers, damaged big data, duplicate names, unlistable images and unused layers.")
@click.pass_context
def check_command(context: click.Context) -> None:
    """Check the store for problems and exit with status 1 when there are any.

    Reports images whose layers are missing or loop, big-data files that are missing, unreadable or
    differ from their recorded size or digest, names claimed by several images, layers that no
    image or container uses, and malformed image records. On a terminal it prints a table and a
    summary. Otherwise it prints one line per problem, KIND<TAB>ID<TAB>DETAIL, and nothing when the
    store is clean.
    """
    from criimages.health import check_store

    state: Context = context.obj
    findings = check_store(state.settings().store, state.lock_timeout)
    if sys.stdout.isatty():
        _print_table(findings)
    else:
        sys.stdout.write("".join(format_line(finding) for finding in findings))
    if findings:
        context.exit(FAILURE_EXIT_CODE)


def format_line(finding: Finding) -> str:
    """Return the finding as one KIND<TAB>ID<TAB>DETAIL line, with tabs, newlines and controls escaped."""
    return f"{finding.kind.value}\t{_object_text(finding)}\t{escape_line(finding.detail)}\n"


def summarize(findings: Sequence[Finding]) -> str:
    """Return the summary line printed under the table: the number of problems of each kind."""
    if not findings:
        return "No problems found."
    counts = Counter(finding.kind.value for finding in findings)
    by_kind = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    noun = "problem" if len(findings) == 1 else "problems"
    return f"{len(findings)} {noun} found: {by_kind}."


def _object_text(finding: Finding) -> str:
    return escape_line(finding.object_id) if finding.object_id else NO_ID


def _print_table(findings: Sequence[Finding]) -> None:
    # rich is imported only here: loading it costs more than checking a small store.
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    if findings:
        table = Table()
        # Long IDs, digests and paths fold onto the next line instead of being cut with an ellipsis.
        for header in ("Kind", "Object", "Detail"):
            table.add_column(header, overflow="fold")
        for finding in findings:
            # Text, not markup strings: "[bold]" in a stored name prints as it is.
            table.add_row(Text(finding.kind.value), Text(_object_text(finding)), Text(escape_line(finding.detail)))
        console.print(table)
    console.print(Text(summarize(findings)))
