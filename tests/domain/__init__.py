"""Domain tests: the intents and their rules, called without sockets."""
