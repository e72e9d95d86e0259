//! The unf configuration adapter: its Layout and the quirks data cannot express.
