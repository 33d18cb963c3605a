"""Units and what each does on a night: inventory, availability, holds, stays, placement."""
