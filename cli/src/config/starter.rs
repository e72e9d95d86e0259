//! The commented starter config `okdesk-1c init` writes: every key with what it does, its default
//! and an example, so that the file documents itself.

/// The starter config for a configuration id (`ut11`, …).
pub fn starter(configuration: &str) -> String {
    let base = match configuration {
        "unf" => "unf",
        "ka" => "ka",
        "ut103" => "trade103",
        "esti" => "esti",
        _ => "trade",
    };
    TEMPLATE
        .replace("{configuration}", configuration)
        .replace("{base}", base)
}

const TEMPLATE: &str = r#"# okdesk-1c configuration. Every key is explained; unknown keys are errors.
# Check it with:  okdesk-1c check

# The Okdesk account's time zone: an offset ("+03:00") or a Russian zone name ("Asia/Yekaterinburg").
time_zone = "Europe/Moscow"

# The state file (SQLite): mappings 1C ↔ Okdesk, the run journal, cursors, the invoice outbox.
# Relative paths are relative to this file. One state file per pair of Okdesk account and 1C base.
state = "okdesk-1c.db"

# Where pull saves the attachments it downloads from issues (see [pull] attachments).
files = "okdesk-1c-files"

[okdesk]
# The account address.
url = "https://acme.okdesk.ru"
# The API token (Okdesk: Настройки → API; a user with the Administrator role). Never in this file:
# name an environment variable, or a file holding the token.
token_env = "OKDESK_API_TOKEN"
# token_file = "/etc/okdesk-1c/okdesk-token"
# Requests per second (and burst) this tool allows itself, and requests in flight.
rate_limit = 10
burst = 20
concurrency = 8
# timeout_s = 30
# Extra attempts of a failed read (429 honours Retry-After; a create is never blindly repeated).
# retries = 4

[onec]
# The configuration: unf, ka, ut11, ut103, esti, or "auto" (detected from $metadata).
configuration = "{configuration}"
# A configuration "similar" to one of those: a layout file naming its base and what differs
# (then remove `configuration`). See examples/layouts/ in the source tree.
# layout = "my-layout.toml"

# Where the data comes from: "odata" (a published base), "xml" (a universal exchange file) or
# "xlsx" (lists saved from 1C as a spreadsheet).
source = "odata"
# The standard OData interface of the published base (Администрирование → Общие настройки →
# Интеграция → Стандартный интерфейс OData must be on for the objects used).
url = "http://1c-server/{base}/odata/standard.odata"
user = "okdesk"
# The password, like the token, comes from the environment or a file (empty when neither is set).
password_env = "ONEC_PASSWORD"
# password_file = "/etc/okdesk-1c/1c-password"
# format = "json"        # "atom" for old platforms
# page_size = 1000
# timeout_s = 120
# retries = 3
# For source = "xml" or "xlsx":
# path = "export.xml"

[push]
# "add-only": create what is new; "full": also update what changed in 1C.
mode = "full"
# Only some entities (default: all): companies, contacts, agreements, objects, equipment.
# only = ["companies", "contacts", "agreements"]
# «Порционная выгрузка»: writes per portion and portions per run (default: no limit).
# batch_size = 50
# max_batches = 10
# The company custom parameter (attribute code) that holds the INN for matching companies created
# by hand; the INN is also looked for in «Дополнительные названия» and the name.
inn_parameter = "inn"
kpp_parameter = "kpp"
# Also write INN/KPP into those parameters (the account must have them).
write_inn_parameters = false
# Write «ИНН … КПП …» into the company's additional name.
inn_in_additional_name = true
# What a deletion mark in 1C does: "archive" (archive companies, deactivate contacts) or "ignore".
on_deletion = "archive"
# concurrency = 4

[pull]
# Where the first exchange starts when nothing was pulled yet (YYYY-MM-DD; default: 30 days ago).
# since = "2024-01-01"
# A first pull that would read more issues than this stops and asks for `--since` or `--all`.
# first_max_issues = 1000
# Days re-read before the last cursor (Okdesk filters changed issues by day).
overlap_days = 1
# Download attachments into `files`/attachments (otherwise only their digests are kept).
attachments = true

[bill]
# Issue statuses whose specifications become invoices.
statuses = ["completed", "closed"]
# How a specification line finds its 1C item: the Okdesk price-list code equals the item's
# "article" («Артикул») or its "code".
item_match = "article"
# The item used for lines that match none (a price-list code or a Ref_Key; default: such lines fail
# the invoice).
# service_item = "SERVICE"
# The PDF comment on the issue: "public" (the client sees the invoice) or "private" (staff only).
upload = "public"
# The Okdesk employee the comment is written as (an id or an e-mail; default: the first employee).
# comment_author = "billing@acme.ru"
# The organization invoices are issued from, as its Ref_Key (default: the base's first one).
# organization = "8a6b3f1e-0000-0000-0000-000000000000"
# The VAT rate of a line when neither the line nor the item names one.
default_vat = "без НДС"

[schedule]
# For `okdesk-1c run`: separate cron schedules (5 fields: minute hour day month weekday).
push = "*/30 * * * *"
pull = "*/10 * * * *"
# bill = "0 * * * *"

[alert]
# Called when a scheduled run fails, with the run's JSON on stdin (and in OKDESK_1C_RUN_JSON):
# command = ["/usr/local/bin/notify-admins", "okdesk-1c"]
# ...or POSTed to a webhook:
# webhook = "https://hooks.example.com/okdesk-1c"
# on = "failure"         # or "always"
"#;
