"""One module per section of the column: each turns the week's metrics into that section's declared sentences
(generator/commentary/claims.py), choosing between sentence keys with decision tables (table.py) where the
choice is a claim on the week's measures."""
