"""The exam-window load test: `make loadtest` (`python -m loadtest`). See loadtest/__main__.py."""
