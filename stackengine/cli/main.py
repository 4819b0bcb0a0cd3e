"""Entry point: the `stackengine` group and the registry of its commands.

Each command lives in its own module and is imported only when it runs, so `stackengine --help`
and `stackengine validate` start without loading what other commands need.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from stackengine import __version__

# command name → "module:attribute"; a new command is one line here.
COMMANDS: dict[str, str] = {
    "changeset": "stackengine.cli.changeset_cmd:changeset",
    "continue-update-rollback": "stackengine.cli.stack_cmds:continue_update_rollback",
    "delete": "stackengine.cli.stack_cmds:delete",
    "deploy": "stackengine.cli.stack_cmds:deploy",
    "describe": "stackengine.cli.stack_cmds:describe",
    "emulator": "stackengine.cli.emulator_cmd:emulator",
    "events": "stackengine.cli.stack_cmds:events",
    "exports": "stackengine.cli.stack_cmds:exports",
    "graph": "stackengine.cli.graph_cmd:graph",
    "outputs": "stackengine.cli.stack_cmds:outputs",
    "package": "stackengine.cli.package_cmd:package",
    "resources": "stackengine.cli.stack_cmds:resources",
    "stacks": "stackengine.cli.stack_cmds:stacks",
    "update-termination-protection": "stackengine.cli.stack_cmds:update_termination_protection",
    "account": "stackengine.cli.account_cmd:account",
    "render": "stackengine.cli.render_cmd:render",
    "transform": "stackengine.cli.transform_cmd:transform",
    "validate": "stackengine.cli.validate_cmd:validate",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                             "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="stackengine")
@click.option("--state", "state_path", envvar="STACKENGINE_STATE", default=None, metavar="PATH",
              help="State database (default ./.stackengine/state.db; env STACKENGINE_STATE).")
@click.pass_context
def cli(ctx: click.Context, state_path: str | None) -> None:
    """Run AWS CloudFormation and SAM templates: render, validate, plan and deploy."""
    ctx.ensure_object(dict)
    ctx.obj["state_path"] = state_path or ".stackengine/state.db"


def main(argv: Any = None) -> None:
    cli.main(args=argv, prog_name="stackengine")
