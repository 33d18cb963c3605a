"""The Textual board. Only the CLI imports this package, and only when the board opens."""
