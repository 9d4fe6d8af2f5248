"""Runtime configuration of the App and the Action, read from the environment."""
