"""The App's server side: webhook endpoint, workers, dispatch, dashboard, metrics, logs."""
