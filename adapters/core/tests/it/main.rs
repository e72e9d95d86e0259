//! The integration tests of `onec-adapter` in one binary (one link step instead of ten on a
//! two-core machine): the OData client and parsers, the XML and XLSX readers and writer, the
//! EnterpriseData reader and the adapter contract.

mod contract;
mod enterprise_data;
mod odata_client;
mod odata_parsers;
mod smoke_parsers;
mod xlsx_import;
mod xml_adapters;
mod xml_errors;
mod xml_inspect;
mod xml_writer;
