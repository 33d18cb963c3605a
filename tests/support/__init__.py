"""What the tests share: worlds to test in, ways to run the CLI and drive the board, and checks
that read the database back. Fixtures stay in the conftest files; everything else is here."""
