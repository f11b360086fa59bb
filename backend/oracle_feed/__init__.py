"""Oracle feed: the service side of the credit oracle (pending reports out, acknowledgements in)."""
