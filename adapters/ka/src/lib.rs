//! The ka configuration adapter: its Layout and the quirks data cannot express.
