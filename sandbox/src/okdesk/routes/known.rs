//! What each endpoint takes: the query parameters and the body fields the real Okdesk server
//! reads, per `METHOD /route/template`. Everything else is silently ignored by the real server
//! (it never answers 422 for an unknown name), so the simulator ignores it too — it is removed
//! before a handler can see it — and counts it in `/sandbox/stats` (`ignored_params`,
//! `ignored_fields`), so that tests can see a client relying on something that does nothing.
//!
//! Evidence: the shared Okdesk API reference (okdesk-api.md), its endpoint sections and its
//! "Corrections and additions (second pass over public clients)" table. The markers below name
//! the source: DOC (the documentation as apepenkov/okdesk_api copies it), CODE (a public client
//! that calls a live account), INF (inferred; kept because nothing contradicts it).

use serde_json::{Map, Value};

/// The keyset paging parameters (§3 A) [DOC].
const KEYSET: &[&str] = &["page[size]", "page[from_id]", "page[direction]"];

/// The route template without the `/api/v1` prefix and without a trailing slash, so that
/// `/companies` and `/companies/` share their names and the stats keys stay short.
pub(crate) fn template(matched: &str) -> String {
    let t = matched.strip_prefix("/api/v1").unwrap_or(matched);
    let t = t.trim_end_matches('/');
    if t.is_empty() {
        "/".to_owned()
    } else {
        t.to_owned()
    }
}

/// The name a query parameter is known by: `company_ids[]` and `company_ids` are one filter,
/// and every `custom_parameters[…]` filter belongs to `custom_parameters`.
fn base_name(key: &str) -> &str {
    if key.starts_with("custom_parameters[") {
        return "custom_parameters";
    }
    key.strip_suffix("[]").unwrap_or(key)
}

/// Whether the endpoint reads this query parameter. `api_token` is read by every endpoint.
pub(crate) fn query_known(method: &str, template: &str, key: &str) -> bool {
    let key = base_name(key);
    key == "api_token"
        || query(method, template).contains(&key)
        || (pages_by_keyset(method, template) && KEYSET.contains(&key))
}

fn pages_by_keyset(method: &str, template: &str) -> bool {
    method == "GET"
        && matches!(
            template,
            "/companies/list"
                | "/contacts/list"
                | "/agreements"
                | "/agreements/list"
                | "/maintenance_entities/list"
                | "/equipments/list"
                | "/equipments/kinds"
                | "/equipments/manufacturers"
                | "/equipments/models"
                | "/employees/list"
                | "/issues/{id}/available_services"
                | "/price_lists/{id}/services"
        )
}

/// The query parameters of each endpoint besides `api_token` and keyset paging. An endpoint
/// missing here takes none.
fn query(method: &str, template: &str) -> &'static [&'static str] {
    if method != "GET" {
        return &[];
    }
    match template {
        // §5: exact search on name, additional_name, phone or id; crm_1c_id as a substring;
        // search_string [DOC].
        "/companies" => &[
            "id",
            "name",
            "additional_name",
            "phone",
            "crm_1c_id",
            "search_string",
        ],
        // §5 list filters [DOC].
        "/companies/list" => &[
            "category_ids",
            "default_assignee_ids",
            "default_assignee_group_ids",
            "observer_ids",
            "observer_group_ids",
            "created_since",
            "created_until",
            "custom_parameters",
            "name",
            "additional_name",
            "crm_1c_id",
        ],
        // §6: id and phone [CODE], search_string [CODE], email and login [INF]. `crm_1c_id` is
        // documented for companies only and nothing public uses it on contacts, so it is
        // treated as unknown (second pass: "Treat the filter as possibly ignored").
        "/contacts" => &["id", "phone", "email", "login", "search_string"],
        // §6: the listing is only ever seen with keyset paging (ST); no filter is evidenced,
        // so neither `crm_1c_id` nor `company_ids` narrows it.
        "/contacts/list" => &[],
        // §7: PHP lists agreements "with query filters" that no source names; the simulator
        // keeps the two it has always had (unverified).
        "/agreements" | "/agreements/list" => &["company_ids", "title"],
        // §8 [DOC].
        "/maintenance_entities" => &["name", "comment", "search_string"],
        "/maintenance_entities/list" => &[
            "company_ids",
            "default_assignee_ids",
            "default_assignee_group_ids",
            "created_since",
            "created_until",
            "updated_since",
            "updated_until",
        ],
        // §9 [DOC].
        "/equipments" => &["inventory_number", "serial_number", "search_string"],
        "/equipments/list" => &[
            "company_ids",
            "maintenance_entity_ids",
            "agreement_ids",
            "created_since",
            "created_until",
            "equipment_kind_codes",
            "equipment_manufacturer_codes",
            "equipment_model_codes",
            "custom_parameters",
        ],
        "/equipments/kinds" | "/equipments/manufacturers" | "/equipments/models" => {
            &["search_string"]
        }
        // §10.3 [DOC]; the second pass confirms `status[]`, `maintenance_entity_ids[]`,
        // `priority[]` here, as against `status_codes[]` … on `issues/list` (high confidence).
        "/issues/count" => &[
            "assignee_ids",
            "assignee_group_ids",
            "company_ids",
            "agreement_ids",
            "contact_ids",
            "author_employee_ids",
            "author_contact_ids",
            "maintenance_entity_ids",
            "equipment_ids",
            "status",
            "status_not",
            "opened",
            "priority",
            "type",
            "rate",
            "created_since",
            "created_until",
            "completed_since",
            "completed_until",
            "updated_since",
            "updated_until",
            "reacted_since",
            "reacted_until",
            "deadline_since",
            "deadline_until",
            "start_execution_since",
            "start_execution_until",
            "planned_reaction_since",
            "planned_reaction_until",
            "overdue",
            "overdue_reaction",
            "custom_parameters",
        ],
        // §10.4: the documented filters [DOC], and those clients use against live accounts
        // [CODE]: updated_since/until, without_answer, company_category_ids (MCP), assignee_ids,
        // status_codes_not (AST), fields[issue] (PS).
        "/issues/list" => &[
            "company_ids",
            "contact_ids",
            "service_object_ids",
            "status_codes",
            "status_codes_not",
            "priority_codes",
            "type_codes",
            "assignee_ids",
            "company_category_ids",
            "without_answer",
            "created_since",
            "created_until",
            "completed_since",
            "completed_until",
            "updated_since",
            "updated_until",
            "page[number]",
            "page[size]",
            "sorting[field]",
            "sorting[direction]",
            "fields[issue]",
        ],
        // §10.8 [DOC].
        "/issues/{id}/available_services" => &["search_string"],
        "/price_lists/{id}/services" => &["types"],
        _ => &[],
    }
}

/// The time-entry fields (§10.7 [DOC]); `spent_time` is how entries are read, not written.
const TIME_ENTRY: &[&str] = &[
    "employee_id",
    "formatted_spent_time",
    "logged_at",
    "comment",
    "custom_parameters",
];

/// The body fields of each endpoint that takes a body, or `None` for an endpoint this table
/// does not judge (nothing is removed then).
pub(crate) fn body(method: &str, template: &str) -> Option<&'static [&'static str]> {
    Some(match (method, template) {
        // §5 create/update fields [DOC]; `active` is not among them (archiving has its own
        // endpoint).
        ("POST", "/companies") | ("PATCH", "/companies/{id}") => &[
            "name",
            "additional_name",
            "site",
            "email",
            "phone",
            "address",
            "coordinates",
            "comment",
            "observer_ids",
            "default_assignee_id",
            "category_code",
            "crm_1c_id",
            "custom_parameters",
        ],
        // §5 «Архивация компании» and the second pass: `{"active": …}` by analogy (low).
        ("PATCH", "/companies/{id}/activations") => &["active"],
        // §6 fields seen in use [CODE]. `active` is not one: the second pass found
        // (de)activation only through `/contacts/{id}/activations` (ST).
        ("POST", "/contacts") | ("PATCH", "/contacts/{id}") => &[
            "first_name",
            "last_name",
            "patronymic",
            "position",
            "email",
            "phone",
            "mobile_phone",
            "comment",
            "company_id",
            "maintenance_entity_ids",
            "custom_parameters",
            "crm_1c_id",
            "login",
            "password",
            "access_level",
        ],
        // Second pass: ST `archive_contact` sends the flat `{"active": false}`.
        ("PATCH", "/contacts/{id}/activations") => &["active"],
        // §7: the `change_agreement` change codes plus dates and attributes [INF]; nothing
        // evidences `cost`, `active` or a single `company_id` as writable.
        ("POST", "/agreements") | ("PATCH", "/agreements/{id}") => &[
            "title",
            "company_ids",
            "start_date",
            "end_date",
            "default_assignee_id",
            "default_assignee_group_id",
            "observer_ids",
            "observer_group_ids",
            "custom_parameters",
        ],
        // §8 writable fields [DOC]; `active` is not one.
        ("POST", "/maintenance_entities") | ("PATCH", "/maintenance_entities/{id}") => &[
            "name",
            "company_id",
            "agreement_ids",
            "address",
            "coordinates",
            "timezone",
            "comment",
            "default_assignee_id",
            "default_assignee_group_id",
            "schedule_id",
            "observer_ids",
            "observer_group_ids",
            "custom_parameters",
        ],
        // §9 [DOC]; the kind's code under both names, since which one create takes is open.
        ("POST", "/equipments") | ("PATCH", "/equipments/{id}") => &[
            "equipment_type_code",
            "equipment_kind_code",
            "equipment_manufacturer_code",
            "equipment_model_code",
            "serial_number",
            "inventory_number",
            "comment",
            "company_id",
            "maintenance_entity_id",
            "parent_id",
            "custom_parameters",
            "agreement_ids",
        ],
        // §9 directory creates [DOC].
        ("POST", "/equipments/kinds") => &["name", "code", "description", "parameter_codes"],
        ("POST", "/equipments/manufacturers") => &["name", "code", "description", "visible"],
        ("POST", "/equipments/models") => &[
            "name",
            "code",
            "equipment_kind_id",
            "equipment_manufacturer_id",
            "description",
            "visible",
        ],
        // Second pass: directory updates take name, description, visible (+ the kind and
        // manufacturer ids for models); `code` is not updatable. Kinds by analogy.
        ("PATCH", "/equipments/kinds/{id}") | ("PATCH", "/equipments/manufacturers/{id}") => {
            &["name", "description", "visible"]
        }
        ("PATCH", "/equipments/models/{id}") => &[
            "name",
            "description",
            "visible",
            "equipment_kind_id",
            "equipment_manufacturer_id",
        ],
        // §10.1 [DOC]; files come as `attachments` in multipart and are read apart.
        ("POST", "/issues") => &[
            "title",
            "description",
            "company_id",
            "contact_id",
            "agreement_id",
            "assignee_id",
            "group_id",
            "observer_ids",
            "observer_group_ids",
            "contact_observer_ids",
            "maintenance_entity_id",
            "equipment_ids",
            "type",
            "priority",
            "deadline_at",
            "start_execution_until",
            "planned_execution_in_minutes",
            "custom_parameters",
            "parent_id",
            "author",
        ],
        // §10.5 [DOC]: `time_entry` (an array), not `time_entries`.
        ("POST", "/issues/{id}/statuses") => &[
            "code",
            "comment",
            "comment_public",
            "delay_to",
            "custom_parameters",
            "time_entry",
            "skip_options",
        ],
        ("PATCH", "/issues/{id}/assignees") => &["assignee_id", "group_id"],
        ("PATCH", "/issues/{id}/types") => &["code"],
        ("POST", "/issues/{id}/parameters") | ("PATCH", "/issues/{id}/parameters") => {
            &["custom_parameters"]
        }
        // §10.6 [DOC].
        ("POST", "/issues/{id}/comments") => &["content", "author_id", "author_type", "public"],
        // §10.7 [DOC]; AP wraps several entries as `{"time_entries":[…]}`.
        ("POST", "/issues/{id}/time_entries") => &[
            "employee_id",
            "formatted_spent_time",
            "logged_at",
            "comment",
            "custom_parameters",
            "time_entries",
        ],
        // §10.8 [DOC].
        ("POST", "/issues/{id}/services") => &[
            "code",
            "quantity",
            "performer_id",
            "price_list_id",
            "comment",
            "total",
            "discount",
        ],
        // §10.10 [DOC].
        ("PATCH", "/issues/{id}/check_lists/items/{item_id}/check") => {
            &["checked", "item_parameters"]
        }
        _ => return None,
    })
}

/// Removes the fields of one time entry that an entry does not take, and returns their names
/// as `prefix.field`.
pub(crate) fn strip_time_entry(prefix: &str, entry: &mut Map<String, Value>) -> Vec<String> {
    strip(entry, TIME_ENTRY)
        .into_iter()
        .map(|k| format!("{prefix}.{k}"))
        .collect()
}

/// Removes the fields not in `known` and returns their names, in order.
pub(crate) fn strip(fields: &mut Map<String, Value>, known: &[&str]) -> Vec<String> {
    let unknown: Vec<String> = fields
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in &unknown {
        fields.remove(k);
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_lose_the_prefix_and_the_trailing_slash() {
        assert_eq!(template("/api/v1/companies/"), "/companies");
        assert_eq!(template("/api/v1/contacts/{id}"), "/contacts/{id}");
    }

    #[test]
    fn each_issue_endpoint_knows_only_its_own_filter_names() {
        assert!(query_known("GET", "/issues/count", "status[]"));
        assert!(!query_known("GET", "/issues/count", "status_codes[]"));
        assert!(query_known("GET", "/issues/list", "status_codes[]"));
        assert!(!query_known("GET", "/issues/list", "status[]"));
        assert!(!query_known("GET", "/contacts/list", "crm_1c_id"));
        assert!(query_known("GET", "/contacts/list", "page[size]"));
        assert!(query_known(
            "GET",
            "/companies/list",
            "custom_parameters[inn]"
        ));
        assert!(query_known("GET", "/issues/{id}", "api_token"));
        assert!(!query_known("GET", "/issues/{id}", "page[size]"));
    }
}
