"""The command reference in docs/commands.md, generated from the --help texts so the
docs cannot drift from the code (a test compares them).

Regenerate with: python -m relate.cli.reference > docs/commands.md
"""

from __future__ import annotations

from typing import Any

INTRO = """# Commands

Generated from `relate COMMAND --help` by `python -m relate.cli.reference`; do not
edit by hand. Every command takes the global options before its name:
`relate --db FILE COMMAND ...` (see [configuration](configuration.md)).

Contacts are named the same way everywhere: `#12`, a name or alias in any case and
without accents, a unique prefix, or a clearly best close spelling of a whole name,
word of it or alias; ambiguity is an error that lists the candidates. `delete` and
`archive` take only the `#id`, the full name or an alias (see
[naming people](getting-started.md#naming-people)). Dates follow
[the date grammar](dates.md). Listing commands take `--format table|plain|csv|json`;
exit codes are in [exit codes](exit-codes.md).
"""


def markdown() -> str:
    import typer.main

    import relate.cli.main  # noqa: F401  (registers every command)
    from relate.cli.app import app

    root: Any = typer.main.get_command(app)
    context_class = root.context_class
    root_ctx = context_class(root, info_name="relate", terminal_width=88, max_content_width=88)
    parts = [INTRO, "## relate\n", "```", root.get_help(root_ctx).rstrip(), "```\n"]
    for name in sorted(root.commands):
        command = root.commands[name]
        ctx = context_class(
            command, info_name=name, parent=root_ctx, terminal_width=88, max_content_width=88
        )
        parts += [f"## relate {name}\n", "```", command.get_help(ctx).rstrip(), "```\n"]
        for sub in sorted(getattr(command, "commands", {})):  # a group: relate org list ...
            subcommand = command.commands[sub]
            if subcommand.hidden:  # `engagement`'s default: its help is the group's
                continue
            sub_ctx = context_class(
                subcommand, info_name=sub, parent=ctx, terminal_width=88, max_content_width=88
            )
            help_text = subcommand.get_help(sub_ctx).rstrip()
            parts += [f"## relate {name} {sub}\n", "```", help_text, "```\n"]
    return "\n".join(parts)


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown())
