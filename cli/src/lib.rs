//! The `okdesk-1c` command-line tool as a library, so that tests can run commands in-process.
