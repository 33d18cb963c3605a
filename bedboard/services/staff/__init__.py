"""Staff, their roles and what each role may do; PINs and signing in."""
