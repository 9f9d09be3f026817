"""The widget in real headless Chromium (Debian's package), against the API over HTTP."""
