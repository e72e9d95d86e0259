//! The ut103 configuration adapter: its Layout and the quirks data cannot express.
