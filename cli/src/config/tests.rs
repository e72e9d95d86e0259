//! Config tests: the starter config is valid for every configuration, and every kind of mistake
//! is reported with the file, the key and a fix.

use std::path::Path;

use sync_engine::{EntityKind, Mode};

use super::*;

fn parse_err(text: &str) -> String {
    format!(
        "{:#}",
        parse(text, Path::new("/etc/okdesk-1c.toml")).unwrap_err()
    )
}

const MINIMAL: &str = r#"
[okdesk]
url = "https://acme.okdesk.ru"
[onec]
configuration = "ut11"
url = "http://srv/trade/odata/standard.odata"
user = "okdesk"
"#;

#[test]
fn the_starter_config_is_valid_for_every_configuration() {
    for c in CONFIGURATIONS {
        let text = starter::starter(c);
        let s = parse(&text, Path::new("/srv/okdesk-1c.toml")).unwrap();
        assert_eq!(s.onec.configuration, Configuration::Known(c.to_owned()));
        assert_eq!(s.state, Path::new("/srv/okdesk-1c.db"));
        assert!(s.schedule.push.is_some() && s.schedule.pull.is_some());
        assert_eq!(s.okdesk.token, SecretSource::Env(DEFAULT_TOKEN_ENV.into()));
    }
}

#[test]
fn minimal_config_has_defaults() {
    let s = parse(MINIMAL, Path::new("cfg/okdesk-1c.toml")).unwrap();
    assert_eq!(s.time_zone, tz::moscow());
    assert_eq!(s.push.mode, Mode::Full);
    assert_eq!(s.state, Path::new("cfg/okdesk-1c.db"));
    assert_eq!(
        s.onec.source,
        OnecSource::OData {
            url: "http://srv/trade/odata/standard.odata".into(),
            user: "okdesk".into(),
            password: SecretSource::Empty
        }
    );
    assert_eq!(s.bill.statuses, vec!["completed", "closed"]);
}

#[test]
fn unknown_key_names_file_line_key_and_fix() {
    let text = MINIMAL.replace("[onec]", "[push]\nmdoe = \"full\"\n[onec]");
    let e = parse_err(&text);
    assert!(e.contains("/etc/okdesk-1c.toml"), "{e}");
    assert!(e.contains("push.mdoe"), "{e}");
    assert!(e.contains("unknown field"), "{e}");
    assert!(e.contains("fix:"), "{e}");
}

#[test]
fn bad_values_name_the_key_and_fix() {
    let cases = [
        (
            MINIMAL.replace("\"ut11\"", "\"ut12\""),
            "onec.configuration",
            "unknown configuration",
        ),
        (
            format!("{MINIMAL}[push]\nmode = \"fast\"\n"),
            "push.mode",
            "add-only",
        ),
        (
            format!("{MINIMAL}[push]\nonly = [\"companys\"]\n"),
            "push.only",
            "companys",
        ),
        (
            format!("{MINIMAL}[push]\nbatch_size = 0\n"),
            "push.batch_size",
            "at least 1",
        ),
        (
            format!("{MINIMAL}[schedule]\npush = \"every hour\"\n"),
            "schedule.push",
            "cron",
        ),
        (
            format!("time_zone = \"Mars/Base\"\n{MINIMAL}"),
            "time_zone",
            "+03:00",
        ),
        (
            MINIMAL.replace("https://acme.okdesk.ru", "acme.okdesk.ru"),
            "okdesk.url",
            "https://",
        ),
        (
            format!("{MINIMAL}[bill]\nupload = \"everyone\"\n"),
            "bill.upload",
            "public",
        ),
        (
            format!("{MINIMAL}[alert]\nwebhook = \"hooks\"\n"),
            "alert.webhook",
            "http",
        ),
        (
            format!("{MINIMAL}[pull]\nsince = \"01.02.2024\"\n"),
            "pull.since",
            "YYYY-MM-DD",
        ),
    ];
    for (text, key, hint) in cases {
        let e = parse_err(&text);
        assert!(e.contains(&format!("`{key}`")), "{key}: {e}");
        assert!(e.contains(hint), "{key}: {e}");
        assert!(e.contains("fix:"), "{key}: {e}");
        assert!(e.contains("/etc/okdesk-1c.toml"), "{key}: {e}");
    }
}

#[test]
fn secrets_in_the_file_are_refused() {
    let e = parse_err(&MINIMAL.replace("[onec]", "token = \"abc\"\n[onec]"));
    assert!(e.contains("okdesk.token") && e.contains("token_env"), "{e}");
    let e = parse_err(&format!("{MINIMAL}password = \"x\"\n"));
    assert!(
        e.contains("onec.password") && e.contains("password_env"),
        "{e}"
    );
}

#[test]
fn wrong_type_is_reported_with_line() {
    let e = parse_err(&format!("{MINIMAL}[push]\nbatch_size = \"fifty\"\n"));
    assert!(e.contains("push.batch_size"), "{e}");
    assert!(e.contains("line"), "{e}");
}

#[test]
fn only_equipment_brings_its_directories() {
    let set = parse_only(&["equipment".into()]).unwrap();
    assert!(set.contains(&EntityKind::Models) && set.contains(&EntityKind::EquipmentKinds));
}

#[test]
fn cron_accepts_five_and_six_fields() {
    assert!(parse_cron("*/15 * * * *").is_ok());
    assert!(parse_cron("0 */15 * * * *").is_ok());
    assert!(parse_cron("* *").is_err());
}
