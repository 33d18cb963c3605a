"""Who pays: payers, rates, who pays which nights, night close and adjustments."""
