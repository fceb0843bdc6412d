"""Seeds one audit entry and one file as its demo data, or fails when told to."""
