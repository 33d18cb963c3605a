"""The rules: plain functions over a SQLAlchemy Session. No Textual imports here."""
