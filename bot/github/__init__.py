"""The GitHub client: one gidgethub-based object that owns auth, retries and rate limits."""
