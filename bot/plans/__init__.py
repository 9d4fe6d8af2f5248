"""Running plans: tasks, success criteria, the tracking issue, and the runner that moves runs on."""
