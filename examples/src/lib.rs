//! Examples of embedding the okdesk-1c engine; see the `[[example]]` files.
