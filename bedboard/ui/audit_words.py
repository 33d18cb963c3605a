"""What an audit entry's action reads as on the History screen, in today's language.

The audit log stores a machine name (`check_in`) that a hash chain covers and `bedboard audit
verify` checks, so it never changes; only the screen words it. An action without a word here
(one added later) shows its machine name with spaces, never nothing."""

from __future__ import annotations

from bedboard.i18n import N_, _

ACTION_WORDS = {  # N_() marked: _() where shown
    "activate_payer": N_("payer activated"),
    "add_commitment": N_("commitment added"),
    "add_payer": N_("payer added"),
    "adjust": N_("adjustment"),
    "avoid_rule_add": N_("keep-away rule added"),
    "avoid_rules_shown": N_("keep-away rules shown"),
    "cancel_hold": N_("hold cancelled"),
    "check_in": N_("checked in"),
    "check_out": N_("checked out"),
    "close_night": N_("night closed"),
    "confirm_hold": N_("hold confirmed"),
    "correct": N_("correction"),
    "deactivate_payer": N_("payer deactivated"),
    "demo": N_("demo data loaded"),
    "edit_payer": N_("payer changed"),
    "eligibility_override": N_("eligibility overridden"),
    "end_commitment": N_("commitment ended"),
    "extend": N_("extended"),
    "find_guest_by_name": N_("guest found by name"),
    "forget": N_("guest forgotten"),
    "guest_add": N_("guest registered"),
    "guest_edit": N_("guest changed"),
    "hold": N_("held"),
    "hold_expired": N_("hold expired"),
    "import_inventory": N_("inventory imported"),
    "import_payers": N_("payers imported"),
    "import_rates": N_("rates imported"),
    "move": N_("moved"),
    "names_released": N_("names released"),
    "out_of_service": N_("out of service"),
    "pay": N_("payer set"),
    "return_to_service": N_("back in service"),
    "reveal_name": N_("name shown"),
    "set_compensation_rate": N_("compensation rate set"),
    "set_rate": N_("rate set"),
    "turnaway": N_("turnaway"),
}


def action_word(action: str) -> str:
    word = ACTION_WORDS.get(action)
    return _(word) if word else action.replace("_", " ")
