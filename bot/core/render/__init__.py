"""Every user-visible string the bot posts, rendered by small pure template modules."""
