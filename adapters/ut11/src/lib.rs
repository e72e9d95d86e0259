//! The ut11 configuration adapter: its Layout and the quirks data cannot express.
