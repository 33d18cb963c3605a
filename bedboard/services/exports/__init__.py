"""Files that leave the program: CSV writing and every export's rows."""
