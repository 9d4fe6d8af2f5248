"""Multi-phase plans: the plan model, its dependency graph, run states and pure transitions."""
