"""Files that leave the program: what an export is, writing one whole, and each export's rows."""
