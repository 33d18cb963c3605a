"""The board's colours, named once by what they mean. A colour is only ever a second cue: every
state also reads as a word or a sign (no state by colour alone).

The app hands these to its stylesheet as tcss variables (`$state-free`, ...), so `.tcss` files
and Textual markup (`[$state-unpaid]no payer[/]`) use the names; cells and charts drawn as
Rich Text take the same values from here."""

from __future__ import annotations

FREE = "green"  # a free place, a count of free places, "live"
HELD = "yellow"  # a hold, a filter narrowing what is shown
UNPAID = "red"  # nobody pays, offline, a failure
STAY = "blue"  # the nights of a stay on the rack
OUT = "#808080"  # out of service (grey; Rich and Textual both read this form)
BAD = "red"  # offline, a form's error

VARIABLES = {
    "state-free": FREE,
    "state-held": HELD,
    "state-unpaid": UNPAID,
    "state-stay": STAY,
    "state-out": OUT,
    "state-bad": BAD,
}
