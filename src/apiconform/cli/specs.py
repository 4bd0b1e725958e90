"""`apiconform specs`: the doc-coverage table, and a non-zero exit when documentation has no operation."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from apiconform.cli.options import CONFIG_OPTION
from apiconform.cli.output import Output
from apiconform.core.errors import ApiconformError
from apiconform.core.vocabulary import Evidence, ExitCode

if TYPE_CHECKING:
    from apiconform.specs.coverage import DocCoverage

__all__ = ["specs"]

LEVELS = tuple(Evidence)


@click.command()
@CONFIG_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def specs(config_path: Path | None, output_format: str) -> None:
    """Show what the specs cover of the vendor documentation, by evidence level.

    Exits 1 when a documentation-tree entry has no operation in the specs.
    """
    from apiconform.cli import resolve
    from apiconform.specs.coverage import doc_coverage, load_doc_trees

    out = Output()
    try:
        config = resolve.load_config(config_path)
        documents = resolve.load_specs(config, ())
        coverage = doc_coverage(documents, load_doc_trees(resolve.spec_root(config)))
    except ApiconformError as exc:
        out.error(str(exc))
        sys.exit(int(exc.exit_code))
    if output_format == "json":
        out.line(json.dumps(coverage.to_dict(), indent=2))
    else:
        for line in table(coverage):
            out.line(line)
    sys.exit(int(ExitCode.VIOLATIONS if coverage.unmapped_entries else ExitCode.CONFORMANT))


def table(coverage: DocCoverage) -> list[str]:
    header = ("API", "operations D/E/I", "constraints D/E/I", "doc tree")
    rows = [
        (
            api.api,
            " / ".join(str(api.operations[level]) for level in LEVELS),
            " / ".join(str(api.constraints[level]) for level in LEVELS),
            f"{api.tree_mapped}/{api.tree_entries} mapped" if api.tree_entries else "-",
        )
        for api in coverage.apis
    ]
    totals = (
        "total",
        " / ".join(str(sum(api.operations[level] for api in coverage.apis)) for level in LEVELS),
        " / ".join(str(sum(api.constraints[level] for api in coverage.apis)) for level in LEVELS),
        f"{sum(api.tree_mapped for api in coverage.apis)}/{sum(api.tree_entries for api in coverage.apis)} mapped",
    )
    widths = [max(len(row[column]) for row in (header, *rows, totals)) for column in range(len(header))]

    def render(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    lines = [render(header), render(tuple("-" * width for width in widths))]
    lines += [render(row) for row in rows]
    lines += [render(totals), "", "D/E/I: evidence DOC / EXAMPLE / INFERRED"]
    unmapped = coverage.unmapped_entries
    lines.append(f"documentation-tree entries without an operation: {len(unmapped) or 'none'}")
    lines += [f"  {entry.label}" for entry in unmapped]
    return lines
