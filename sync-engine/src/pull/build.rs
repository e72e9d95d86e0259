//! Pure building of what pull writes: an Okdesk issue (card, comments, checklist, time entries,
//! attachments) into the neutral `EmployeeTask` and one `TimeSheet` per employee (and week, where
//! the configuration's sheet is a weekly grid), with every reference mapped back to 1C through
//! the push mappings and employees matched by e-mail. What cannot be mapped is returned as notes,
//! never invented.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use onec_model::{EmployeeTask, Ref, Snapshot, TaskAttachment, TaskComment, TimeEntry, TimeSheet};

use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::issues::{
    ChecklistItem, IssueCard, IssueComment, OkdeskEmployee, PersonKind, PersonRef, TimeEntryRecord,
};
use crate::state::StateView;

/// Time-entry parameter codes the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`) sets up in Okdesk.
pub const WORK_PLACE_PARAM: &str = "workPlace";
/// The kind-of-work parameter code.
pub const WORK_KIND_PARAM: &str = "TypeOfService";

/// Everything read from Okdesk about one issue.
#[derive(Clone, Debug, PartialEq)]
pub struct IssueBundle {
    /// The card.
    pub card: IssueCard,
    /// Every comment, private ones too.
    pub comments: Vec<IssueComment>,
    /// The checklist.
    pub checklist: Vec<ChecklistItem>,
    /// The time entries.
    pub time_entries: Vec<TimeEntryRecord>,
    /// The parent issue's id and title.
    pub parent: Option<(u64, String)>,
    /// The child issues' ids and titles.
    pub children: Vec<(u64, String)>,
    /// Attachments of the issue and its comments with their digests.
    pub attachments: Vec<TaskAttachment>,
}

/// Okdesk ids mapped back to 1C refs, from the push mappings, and employees matched by e-mail.
#[derive(Clone, Debug, Default)]
pub struct Backrefs {
    by_okdesk: BTreeMap<(EntityKind, u64), Ref>,
    okdesk_employees: BTreeMap<u64, OkdeskEmployee>,
    onec_by_email: BTreeMap<String, Ref>,
}

fn email_keys(field: &str) -> Vec<String> {
    onec_model::validate::email::normalize_all(field)
        .0
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect()
}

impl Backrefs {
    /// Builds the index from the state's mappings, Okdesk's employees and 1C's users.
    pub fn new(view: &StateView, employees: &[OkdeskEmployee], snapshot: &Snapshot) -> Self {
        let by_okdesk = view
            .mappings
            .values()
            .map(|m| ((m.key.kind, m.okdesk_id.0), m.key.r#ref))
            .collect();
        let mut onec_by_email = BTreeMap::new();
        // Active users first, so that an address shared with an invalid user resolves to the
        // active one.
        let mut users: Vec<_> = snapshot.employees.iter().collect();
        users.sort_by_key(|e| (!e.active, e.r#ref));
        for user in users {
            for field in &user.emails {
                for key in email_keys(field) {
                    onec_by_email.entry(key).or_insert(user.r#ref);
                }
            }
        }
        Backrefs {
            by_okdesk,
            okdesk_employees: employees.iter().map(|e| (e.id, e.clone())).collect(),
            onec_by_email,
        }
    }

    /// The 1C ref of a record pushed (or linked) earlier.
    pub fn onec_ref(&self, kind: EntityKind, id: u64) -> Option<Ref> {
        self.by_okdesk.get(&(kind, id)).copied()
    }

    /// Whether the Okdesk employee with this id exists and has this name.
    pub fn is_employee_named(&self, id: u64, name: &str) -> bool {
        self.okdesk_employees
            .get(&id)
            .is_some_and(|e| e.name.trim() == name.trim())
    }

    /// The e-mail of an Okdesk employee (or the login, which is an e-mail in most accounts).
    pub fn employee_email(&self, id: u64) -> Option<String> {
        let e = self.okdesk_employees.get(&id)?;
        e.email
            .clone()
            .filter(|m| !m.trim().is_empty())
            .or_else(|| e.login.clone().filter(|l| l.contains('@')))
    }

    /// The 1C user whose e-mail equals the Okdesk employee's.
    pub fn employee_ref(&self, id: u64, login: Option<&str>) -> Option<Ref> {
        let email = self
            .employee_email(id)
            .or_else(|| login.map(str::to_owned))?;
        email_keys(&email)
            .iter()
            .find_map(|k| self.onec_by_email.get(k).copied())
    }
}

/// Something pull could not map, reported with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The issue.
    pub issue_id: u64,
    /// The field at fault.
    pub field: &'static str,
    /// The message in Russian, with the fix.
    pub message: String,
}

/// What one issue becomes.
#[derive(Clone, Debug, PartialEq)]
pub struct PulledIssue {
    /// The task.
    pub task: EmployeeTask,
    /// The time sheets by key (`<employee id>` or `<employee id>/<monday>`).
    pub sheets: Vec<(String, TimeSheet)>,
    /// What could not be mapped.
    pub notes: Vec<Note>,
}

/// Turns Okdesk's HTML into plain text: line breaks for `<br>` and block ends, tags dropped,
/// the common entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let block = matches!(
            tag.as_str(),
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3"
        );
        if block && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&laquo;", "«")
        .replace("&raquo;", "»")
        .replace("&mdash;", "—")
        .replace("&amp;", "&");
    decoded.trim().to_owned()
}

/// The issue's link in the Okdesk web interface.
pub fn issue_url(base: &str, id: u64) -> String {
    format!("{}/issues/{id}", base.trim_end_matches('/'))
}

fn describe(bundle: &IssueBundle) -> String {
    let mut text = html_to_text(&bundle.card.description);
    let mut section = |title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(title);
        for l in lines {
            text.push('\n');
            text.push_str(&l);
        }
    };
    if let Some((id, title)) = &bundle.parent {
        section("Родительская заявка:", vec![format!("#{id} «{title}»")]);
    }
    section(
        "Вложенные заявки:",
        bundle
            .children
            .iter()
            .map(|(id, title)| format!("- #{id} «{title}»"))
            .collect(),
    );
    // Checklist points are shown under their headers, in the order Okdesk gives.
    let depth = |item: &ChecklistItem| usize::from(item.parent_id.is_some());
    section(
        "Чек-лист:",
        bundle
            .checklist
            .iter()
            .map(|i| {
                let indent = "  ".repeat(depth(i));
                if i.header {
                    format!("{indent}{}", i.name)
                } else {
                    format!("{indent}[{}] {}", if i.checked { "x" } else { " " }, i.name)
                }
            })
            .collect(),
    );
    text
}

fn person_name(p: &Option<PersonRef>) -> String {
    p.as_ref().map(|p| p.name.clone()).unwrap_or_default()
}

fn unmatched_employee(
    issue_id: u64,
    field: &'static str,
    role: &str,
    p: &PersonRef,
    email: Option<String>,
) -> Note {
    let email = email.map_or_else(
        || "у сотрудника Okdesk не указана".to_owned(),
        |e| format!("«{e}»"),
    );
    Note {
        issue_id,
        field,
        message: format!(
            "Заявка #{issue_id}: {role} «{}» не найден среди пользователей 1С по электронной почте ({email}). \
             Укажите одинаковую электронную почту в карточке пользователя 1С и сотрудника Okdesk, затем внесите любое изменение в заявку: она будет загружена заново.",
            p.name
        ),
    }
}

/// Builds the task and time sheets of one issue.
pub fn build_issue(
    bundle: &IssueBundle,
    refs: &Backrefs,
    okdesk_url: &str,
    weekly_sheets: bool,
) -> PulledIssue {
    let card = &bundle.card;
    let url = issue_url(okdesk_url, card.id);
    let mut notes = Vec::new();
    let mut map = |kind: EntityKind, id: Option<u64>, field: &'static str| -> Option<Ref> {
        let id = id?;
        let r = refs.onec_ref(kind, id);
        if r.is_none() {
            notes.push(Note {
                issue_id: card.id,
                field,
                message: format!(
                    "Заявка #{}: {} {} есть только в Okdesk (нет связи с 1С), поле не заполнено. \
                     Создайте его в 1С и выгрузите, а в заявке выберите выгруженный.",
                    card.id,
                    kind.nominative_ru(),
                    OkdeskId(id)
                ),
            });
        }
        r
    };
    let counterparty = map(EntityKind::Companies, card.company_id, "company");
    let contact = map(EntityKind::Contacts, card.contact_id, "contact");
    let contract = map(EntityKind::Agreements, card.agreement_id, "agreement");
    let object = map(
        EntityKind::Objects,
        card.service_object_id,
        "service_object",
    );
    let equipment = map(
        EntityKind::Equipment,
        card.equipment_ids.first().copied(),
        "equipment",
    );

    let assignee = card.assignee.as_ref().and_then(|p| {
        let r = refs.employee_ref(p.id, None);
        if r.is_none() {
            notes.push(unmatched_employee(
                card.id,
                "assignee",
                "ответственный",
                p,
                refs.employee_email(p.id),
            ));
        }
        r
    });
    let author = card.author.as_ref().and_then(|p| author_ref(refs, p));

    let mut comments: Vec<TaskComment> = bundle
        .comments
        .iter()
        .map(|c| TaskComment {
            id: c.id,
            at: c.published_at.naive_local(),
            author: person_name(&c.author),
            text: html_to_text(&c.content),
            public: c.public,
        })
        .collect();
    comments.sort_by_key(|c| (c.at, c.id));

    let task = EmployeeTask {
        r#ref: None,
        issue_id: card.id,
        issue_url: url.clone(),
        date: card.created_at.naive_local(),
        title: card.title.clone(),
        description: describe(bundle),
        status: card.status_code.clone(),
        status_name: card.status_name.clone(),
        assignee,
        author,
        author_name: card.author.as_ref().map(|p| p.name.clone()),
        counterparty,
        contact,
        contract,
        object,
        equipment,
        comments,
        attachments: bundle.attachments.clone(),
        updated_at: Some(card.updated_at.naive_local()),
    };

    // One sheet per employee (and per week for weekly grids), entries in time order.
    let mut groups: BTreeMap<String, (u64, Vec<&TimeEntryRecord>)> = BTreeMap::new();
    for e in &bundle.time_entries {
        let day = e.logged_at.naive_local().date();
        let key = if weekly_sheets {
            let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            format!("{}/{}/{}", card.id, e.employee_id, monday)
        } else {
            format!("{}/{}", card.id, e.employee_id)
        };
        groups
            .entry(key)
            .or_insert((e.employee_id, Vec::new()))
            .1
            .push(e);
    }
    let mut reported = std::collections::BTreeSet::new();
    let mut sheets = Vec::new();
    for (key, (employee_id, mut entries)) in groups {
        entries.sort_by_key(|e| (e.logged_at, e.id));
        let employee = refs.employee_ref(employee_id, entries[0].employee_login.as_deref());
        if employee.is_none() && reported.insert(employee_id) {
            let p = PersonRef {
                id: employee_id,
                name: entries[0].employee_name.clone(),
                kind: PersonKind::Employee,
            };
            let email = refs
                .employee_email(employee_id)
                .or_else(|| entries[0].employee_login.clone());
            notes.push(unmatched_employee(
                card.id,
                "time_entries.employee",
                "сотрудник трудозатрат",
                &p,
                email,
            ));
        }
        let date: NaiveDate = entries
            .iter()
            .map(|e| e.logged_at.naive_local().date())
            .max()
            .expect("a group has at least one entry");
        let entries = entries
            .iter()
            .map(|e| TimeEntry {
                id: e.id,
                employee,
                date: e.logged_at.naive_local().date(),
                hours: e.spent_hours,
                work_kind: e.parameters.get(WORK_KIND_PARAM).cloned(),
                place: e.parameters.get(WORK_PLACE_PARAM).cloned(),
                comment: e.comment.clone().filter(|c| !c.trim().is_empty()),
            })
            .collect();
        sheets.push((
            key,
            TimeSheet {
                r#ref: None,
                task: None,
                issue_id: card.id,
                issue_url: url.clone(),
                employee,
                date,
                entries,
            },
        ));
    }
    PulledIssue {
        task,
        sheets,
        notes,
    }
}

/// The 1C user an issue's author is, if any. A contact is nobody's user; without `type`, the author
/// is an employee only when the Okdesk employee with this id also has this name, otherwise it stays
/// unknown (a contact's id may coincide with an employee's).
fn author_ref(refs: &Backrefs, p: &PersonRef) -> Option<Ref> {
    match p.kind {
        PersonKind::Employee => refs.employee_ref(p.id, None),
        PersonKind::Contact => None,
        PersonKind::Unknown => refs
            .is_employee_named(p.id, &p.name)
            .then(|| refs.employee_ref(p.id, None))
            .flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_author_without_type_is_an_employee_only_by_id_and_name() {
        let user = Ref::derived("test", "user");
        let snapshot = Snapshot {
            employees: vec![onec_model::Employee {
                r#ref: user,
                name: "Инженер".into(),
                emails: vec!["eng@example.ru".into()],
                active: true,
            }],
            ..Snapshot::default()
        };
        let employees = [OkdeskEmployee {
            id: 5,
            name: "Инженер".into(),
            email: Some("eng@example.ru".into()),
            login: None,
            active: true,
        }];
        let refs = Backrefs::new(&StateView::default(), &employees, &snapshot);
        let person = |id, name: &str| PersonRef {
            id,
            name: name.into(),
            kind: PersonKind::Unknown,
        };
        assert_eq!(author_ref(&refs, &person(5, "Инженер")), Some(user));
        // Id 5 is also a contact's: with another name it is nobody, never the employee 5.
        assert_eq!(author_ref(&refs, &person(5, "Клиентов Клиент")), None);
        assert_eq!(author_ref(&refs, &person(6, "Инженер")), None);
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            html_to_text("<p>Не печатает&nbsp;чек</p><p>Код &lt;E12&gt; &amp; всё<br/>ещё</p>"),
            "Не печатает чек\nКод <E12> & всё\nещё"
        );
        assert_eq!(html_to_text("просто текст"), "просто текст");
        assert_eq!(html_to_text("a < b"), "a < b");
    }
}
