"""Storage: the engine and its transactions, the models, the migrations, and the statements of the hot path."""
