//! Tests of e-mail normalisation with the defects real 1C bases have.

use super::*;

fn ok(field: &str) -> NormalizedEmail {
    normalize(field).unwrap_or_else(|e| panic!("{field:?} rejected: {e}"))
}

#[test]
fn seed_case_angle_brackets() {
    let n = ok("<ivanii@mail.okdesk.com>");
    assert_eq!(n.address, "ivanii@mail.okdesk.com");
    assert!(n.ignored.is_empty());
}

#[test]
fn trims_strips_mailto_and_display_names() {
    assert_eq!(ok("  info@firm.ru \u{a0}").address, "info@firm.ru");
    assert_eq!(ok("mailto:info@firm.ru").address, "info@firm.ru");
    assert_eq!(
        ok("MAILTO:info@firm.ru?subject=Счёт").address,
        "info@firm.ru"
    );
    assert_eq!(
        ok("\"Иванов И.И.\" <ivanov@firm.ru>").address,
        "ivanov@firm.ru"
    );
    assert_eq!(
        ok("Иванов Иван <ivanov@firm.ru>").ignored,
        Vec::<String>::new()
    );
    assert_eq!(ok("\u{feff}info@firm.ru\u{200b}").address, "info@firm.ru");
}

#[test]
fn lowercases_only_the_domain() {
    let n = ok("Ivan.Petrov@Mail.RU");
    assert_eq!(n.address, "Ivan.Petrov@mail.ru");
    assert_eq!(n.match_key(), "ivan.petrov@mail.ru");
}

#[test]
fn lists_keep_the_first_valid_and_report_the_rest() {
    let n = ok("ivanov@firm.ru; petrov@firm.ru");
    assert_eq!(n.address, "ivanov@firm.ru");
    assert_eq!(n.ignored, vec!["petrov@firm.ru"]);
    let n = ok("ivanov@firm.ru,petrov@firm.ru sidorov@firm.ru");
    assert_eq!(n.ignored, vec!["petrov@firm.ru", "sidorov@firm.ru"]);
    // The first candidate is broken, the second is taken; the broken one is still reported.
    let n = ok("ivanov@firm; petrov@firm.ru");
    assert_eq!(n.address, "petrov@firm.ru");
    assert_eq!(n.ignored, vec!["ivanov@firm"]);
    let (valid, invalid) = normalize_all("a@x.ru; b@x.ru; A@X.RU; bad@");
    assert_eq!(valid, vec!["a@x.ru", "b@x.ru"]);
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0].0, "bad@");
}

#[test]
fn cyrillic_letter_is_named_with_its_position() {
    // «а» in «mаil» is Cyrillic (U+0430).
    let err = normalize("ivanov@mаil.ru").unwrap_err();
    assert_eq!(
        err,
        EmailError::NonAscii {
            address: "ivanov@mаil.ru".into(),
            character: 'а',
            position: 9
        }
    );
    assert_eq!(
        err.to_string(),
        "«ivanov@mаil.ru»: Кириллическая буква «а» в позиции 9 (похожа на латинскую «a»)"
    );
    let err = normalize("ivаn@mail.ru").unwrap_err();
    assert!(
        err.to_string()
            .contains("Кириллическая буква «а» в позиции 3"),
        "{err}"
    );
    // A Russian word, not a look-alike: no hint, but the letter and position are named.
    let err = normalize("почта@mail.ru").unwrap_err();
    assert_eq!(
        err.to_string(),
        "«почта@mail.ru»: Кириллическая буква «п» в позиции 1"
    );
    // Greek omicron.
    let err = normalize("inf\u{3bf}@firm.ru").unwrap_err();
    assert!(
        err.to_string().contains("Греческая буква «ο» в позиции 4"),
        "{err}"
    );
    // Other non-ASCII characters are shown with their code point.
    let err = normalize("info@firm.ru\u{2013}").unwrap_err();
    assert!(err.to_string().contains("U+2013"), "{err}");
}

#[test]
fn rejects_what_okdesk_rejects() {
    type Check = fn(&EmailError) -> bool;
    let cases: [(&str, Check); 14] = [
        ("", |e| matches!(e, EmailError::Empty)),
        (" <> ; ", |e| matches!(e, EmailError::Empty)),
        ("ivanov.firm.ru", |e| {
            matches!(e, EmailError::MissingAt { .. })
        }),
        ("ivanov@@firm.ru", |e| {
            matches!(e, EmailError::SeveralAt { .. })
        }),
        ("@firm.ru", |e| matches!(e, EmailError::EmptyLocal { .. })),
        ("ivanov@", |e| matches!(e, EmailError::EmptyDomain { .. })),
        ("ivanov@firm", |e| {
            matches!(e, EmailError::DomainWithoutDot { .. })
        }),
        ("ivan..ov@firm.ru", |e| {
            matches!(e, EmailError::ConsecutiveDots { .. })
        }),
        ("ivanov@firm..ru", |e| {
            matches!(e, EmailError::ConsecutiveDots { .. })
        }),
        (".ivanov@firm.ru", |e| {
            matches!(e, EmailError::EdgeDot { part: "имя", .. })
        }),
        ("ivanov@firm.ru.", |e| {
            matches!(
                e,
                EmailError::EdgeDot {
                    part: "домен", ..
                }
            )
        }),
        ("ivan[ov]@firm.ru", |e| {
            matches!(
                e,
                EmailError::BadCharacter {
                    character: '[',
                    position: 5,
                    ..
                }
            )
        }),
        ("ivanov@-firm.ru", |e| {
            matches!(e, EmailError::BadDomainLabel { .. })
        }),
        ("ivanov@firm.r1", |e| {
            matches!(e, EmailError::BadTopLevelDomain { .. })
        }),
    ];
    for (field, check) in cases {
        let err = normalize(field).expect_err(field);
        assert!(check(&err), "{field:?}: {err:?}");
        if !field.trim().is_empty() && !matches!(err, EmailError::Empty) {
            assert!(err.to_string().contains(field.trim()), "{field:?}: {err}");
        }
    }
    // A space inside an address is an error naming the space, never a split.
    assert!(matches!(
        normalize("ivanov @firm.ru"),
        Err(EmailError::BadCharacter {
            character: ' ',
            position: 7,
            ..
        })
    ));
    // Called directly, the validator rejects the space itself.
    assert!(matches!(
        validate("ivan ov@firm.ru"),
        Err(EmailError::BadCharacter {
            character: ' ',
            position: 5,
            ..
        })
    ));
    let long = format!("{}@firm.ru", "a".repeat(65));
    assert!(matches!(
        normalize(&long),
        Err(EmailError::TooLong { max: 64, .. })
    ));
}

#[test]
fn accepts_real_world_addresses() {
    for field in [
        "info@okdesk.ru",
        "support+1c@firm-name.com",
        "o'brien@example.co.uk",
        "user_name@sub.domain.xn--p1ai",
        "a@b.io",
    ] {
        assert_eq!(ok(field).address, field);
    }
}

#[test]
fn space_inside_an_address_is_an_error_not_a_split() {
    let err = normalize("ivan ov@mail.ru").unwrap_err();
    assert_eq!(
        err,
        EmailError::BadCharacter {
            address: "ivan ov@mail.ru".into(),
            character: ' ',
            position: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "«ivan ov@mail.ru»: пробел внутри адреса в позиции 5"
    );
    // Trailing junk after an address is a piece of it too.
    assert!(normalize("ivanov@mail.ru ru").is_err());
    // Inside angle brackets as well.
    assert!(normalize("Иванов <ivan ov@mail.ru>").is_err());
    // A broken first item of a real list does not hide the valid second one, and is reported.
    let n = ok("ivan ov@mail.ru; petrov@firm.ru");
    assert_eq!(n.address, "petrov@firm.ru");
    assert_eq!(n.ignored, vec!["ivan ov@mail.ru"]);
}

#[test]
fn real_lists_and_display_names_still_split() {
    for field in [
        "a@x.ru; b@y.ru",
        "a@x.ru, b@y.ru",
        "a@x.ru b@y.ru",
        "a@x.ru  \t b@y.ru",
    ] {
        let n = ok(field);
        assert_eq!(n.address, "a@x.ru", "{field:?}");
        assert_eq!(n.ignored, vec!["b@y.ru"], "{field:?}");
    }
    // A display name without brackets is not a piece of the address.
    let n = ok("Иванов ivanov@firm.ru");
    assert_eq!(n.address, "ivanov@firm.ru");
    assert_eq!(n.ignored, vec!["Иванов"]);
}

proptest::proptest! {
    #[test]
    fn never_panics_and_results_are_valid(field in "\\PC{0,40}") {
        if let Ok(n) = normalize(&field) {
            proptest::prop_assert!(n.address.is_ascii());
            proptest::prop_assert_eq!(validate(&n.address), Ok(n.address.clone()));
        }
    }

    #[test]
    fn never_panics_on_address_like_text(field in "[a-zа-я<>@.;, :\"]{0,30}") {
        let _ = normalize(&field);
        let _ = normalize_all(&field);
    }
}
