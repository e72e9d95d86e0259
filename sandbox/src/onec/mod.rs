//! The 1C OData simulator: an in-memory infobase per configuration served over the standard OData interface.
