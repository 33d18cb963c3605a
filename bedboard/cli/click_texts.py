"""click's own texts ("Usage:", "Missing option", "No such option ...") in the user's language.

click asks the standard `gettext` module for each of its texts with the process-wide domain,
which knows nothing of bedboard's catalog or of BEDBOARD_LANG. `install()` points click's
message functions at ours, and the texts below put click's messages (as click 8 writes them)
into bedboard's catalog, so `--help` and usage errors read like the rest of the program.
"""

from __future__ import annotations

import importlib

from bedboard.i18n import N_, N_ngettext, _, ngettext

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)

# The texts click shows a person using bedboard (its programming errors are left out).
TEXTS = (
    N_("Aborted!"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Missing command."),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("(dynamic)"),
    N_("deprecated"),
    N_("Do you want to continue?"),
    N_("Confirm the action without prompting."),
    N_("%(prog)s, version %(version)s"),
    N_("Show the version and exit."),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("unknown error"),
    N_("Could not open file {filename!r}: {message}"),
    N_("Usage:"),
    N_("required"),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Option {name!r} does not take a value."),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    N_("Choose from:\n\t{choices}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
)
PLURAL_TEXTS = (
    N_ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    N_ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    N_ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."
    ),
    N_ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
)


def install() -> None:
    """Make click translate its texts with bedboard's catalog and current language."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
