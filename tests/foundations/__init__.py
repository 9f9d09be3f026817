"""alesco's foundations: settings, logs and JSON that can always be written."""
