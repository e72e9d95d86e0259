//! Fuzzes okdesk-client's tolerant response models: any bytes read as each model (single and
//! list) give a value or a serde error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okdesk_client::models::{
    Agreement, Comment, Company, Contact, Employee, Equipment, EquipmentModel, Issue, IssueService,
    IssueStatus, MaintenanceEntity, TimeEntry,
};
use serde::de::DeserializeOwned;

fn read<T: DeserializeOwned>(data: &[u8]) {
    let _ = serde_json::from_slice::<T>(data);
    let _ = serde_json::from_slice::<Vec<T>>(data);
}

fuzz_target!(|data: &[u8]| {
    read::<Company>(data);
    read::<Contact>(data);
    read::<Agreement>(data);
    read::<MaintenanceEntity>(data);
    read::<Equipment>(data);
    read::<EquipmentModel>(data);
    read::<Employee>(data);
    read::<Issue>(data);
    read::<Comment>(data);
    read::<IssueService>(data);
    read::<IssueStatus>(data);
    read::<TimeEntry>(data);
});
