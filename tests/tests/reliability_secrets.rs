//! Secrets and concurrency, with the real binary.
//!
//! Secrets: the simulators get a distinctive Okdesk token and 1C password; every command runs
//! (human and `--json`, `-v`, `RUST_LOG=trace` so that the HTTP stack's own logs are on), with
//! faults injected on both sides and once with a wrong token and password. Neither secret (nor
//! the Basic-auth header made from the password) may appear in stdout, stderr, the state file, the
//! written files or anything else in the working directory except the secret files themselves.
//!
//! Concurrency: while one push runs (slowed by latency), a second push on the same state refuses
//! with exit code 2 and a message naming the other run.

mod reliability_support;

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use reliability_support::World;
use sandbox::okdesk::Faults;
use sandbox::onec::Faults as OnecFaults;

const TOKEN: &str = "tok-SECRET-c0ffee-9d27f1e4";
const PASSWORD: &str = "pw-SECRET-Ёлка#2024";

/// Every form a secret could leak in.
fn needles() -> Vec<(String, Vec<u8>)> {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("Администратор:{PASSWORD}"));
    let encoded_password: String = url_encode(PASSWORD);
    vec![
        ("token".into(), TOKEN.as_bytes().to_vec()),
        ("password".into(), PASSWORD.as_bytes().to_vec()),
        (
            "password, URL-encoded".into(),
            encoded_password.into_bytes(),
        ),
        ("Basic credentials".into(), basic.into_bytes()),
        ("wrong token".into(), b"tok-WRONG-7e57ab1e".to_vec()),
        (
            "wrong password".into(),
            "pw-WRONG-Пароль".as_bytes().to_vec(),
        ),
    ]
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir` except the secret files the config points at.
fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".okdesk-token") && !name.ends_with(".onec-password") {
                out.push(path);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_shows_the_token_or_the_password_anywhere() {
    let world = World::with_secrets(5, TOKEN, PASSWORD).await;
    let cfg_dir = world.config.parent().unwrap().to_path_buf();
    // Faults on both sides, so that error paths (retries, 500 bodies, timeouts) are exercised.
    world.okdesk().set_faults(Faults {
        server_error: 0.1,
        rate_limited: 0.05,
        drop_connection: 0.03,
        ..Faults::none()
    });
    world.onec().set_faults(OnecFaults {
        server_error: 0.05,
        error_in_ok: 0.02,
    });
    let commands: &[&[&str]] = &[
        &["check"],
        &["--json", "check"],
        &["plan", "push"],
        &["--json", "-v", "push"],
        &["-v", "push"],
        &["--json", "pull"],
        &["-v", "pull"],
        &["--json", "bill"],
        &["-v", "bill"],
        &["--json", "sync"],
        &["status"],
        &["--json", "status"],
    ];
    let mut outputs = Vec::new();
    let mut runs = 0;
    for args in commands {
        for trace in [false, true] {
            let mut cmd = world.command(args);
            if trace {
                cmd.env("RUST_LOG", "trace");
            }
            let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
                .await
                .unwrap();
            runs += 1;
            outputs.push((format!("{args:?} trace={trace}"), out.stdout, out.stderr));
        }
    }
    // Wrong credentials: the refusal must not echo them either.
    std::fs::write(cfg_dir.join("okdesk-1c.okdesk-token"), "tok-WRONG-7e57ab1e").unwrap();
    std::fs::write(cfg_dir.join("okdesk-1c.onec-password"), "pw-WRONG-Пароль").unwrap();
    for args in [&["check"][..], &["-v", "push"], &["--json", "bill"]] {
        let mut cmd = world.command(args);
        cmd.env("RUST_LOG", "trace");
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        runs += 1;
        assert_ne!(
            out.status.code(),
            Some(0),
            "{args:?} with wrong credentials"
        );
        outputs.push((
            format!("{args:?} wrong credentials"),
            out.stdout,
            out.stderr,
        ));
    }

    // The scanner finds what it looks for: the secret files hold the (wrong) secrets.
    let token_file = std::fs::read(cfg_dir.join("okdesk-1c.okdesk-token")).unwrap();
    assert!(find(&token_file, b"tok-WRONG-7e57ab1e"));
    let mut leaks = Vec::new();
    let mut scanned = 0usize;
    for (what, stdout, stderr) in &outputs {
        for (name, needle) in needles() {
            for (stream, bytes) in [("stdout", stdout), ("stderr", stderr)] {
                scanned += bytes.len();
                if find(bytes, &needle) {
                    leaks.push(format!("{name} in {stream} of {what}"));
                }
            }
        }
    }
    let mut paths = Vec::new();
    files(&cfg_dir, &mut paths);
    assert!(
        paths.iter().any(|p| p == &world.state),
        "the state file exists"
    );
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        scanned += bytes.len();
        for (name, needle) in needles() {
            if find(&bytes, &needle) {
                leaks.push(format!("{name} in {}", path.display()));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
    // The logs were really on: trace runs wrote something to stderr.
    assert!(
        outputs
            .iter()
            .any(|(w, _, e)| w.contains("trace=true") && e.len() > 1000),
        "trace logging produced nothing to scan"
    );
    eprintln!(
        "{runs} runs, {} files, {scanned} bytes scanned: no secret found",
        paths.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_state_refuses_clearly() {
    let world = World::start(9).await;
    // Slow enough that the first push is still running when the second starts.
    world
        .okdesk()
        .set_latency(Duration::from_millis(150), Duration::ZERO);
    let mut first = world.command(&["--json", "push"]).spawn().unwrap();
    // Wait until the first run holds the lock (its row is in the state file).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the first run never took the lock"
        );
        if world.state.exists() && lock_held(&world.state) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let second = world.run(&["push"]).await;
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "stderr: {err}");
    assert!(
        err.contains("another run") && err.contains("push") && err.contains("pid"),
        "the refusal does not say who holds the state: {err}"
    );
    let first_status = tokio::task::spawn_blocking(move || first.wait().unwrap())
        .await
        .unwrap();
    assert!(
        first_status.code().is_some_and(|c| c <= 1),
        "the first run was disturbed"
    );
    // And once the first is done, the next run goes ahead.
    world.okdesk().set_latency(Duration::ZERO, Duration::ZERO);
    let third = world.run(&["push"]).await;
    assert!(third.status.code().is_some_and(|c| c <= 1));
}

fn lock_held(state: &Path) -> bool {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(state, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return false;
    };
    conn.query_row("SELECT COUNT(*) FROM run_lock", [], |r| r.get::<_, i64>(0))
        .is_ok_and(|n| n > 0)
}
