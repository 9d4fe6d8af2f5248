"""Command-line front door: one module per subcommand, composed in ``bot.cli.main``."""
