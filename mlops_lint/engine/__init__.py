"""Run the selected rules over one document and turn their findings into diagnostics."""
