"""Screens of the board. Each is built with the Store: `SomeScreen(store)`."""
