//! The bad-input catalogue (docs/bad-input.md), CLI side: every flag, environment variable and
//! file the binary reads, given bad values; each row asserts the exit code and the exact line a
//! person reads. Nothing here leaves loopback: the profile points at 127.0.0.1:1, and every
//! row stops before any call. The last test checks `docs/bad-input.md` shows every line.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_scim-setup");

/// A profile whose every URL is a closed loopback port.
const DEAD_PROFILE: &str = r#"{"name":"dead","microsoft":{"authority":"http://127.0.0.1:1","graph":"http://127.0.0.1:1/v1.0","clientId":"c"},"unity":{"auth":"http://127.0.0.1:1","api":"http://127.0.0.1:1","scim":"http://127.0.0.1:1/scim/v2","clientId":"c"}}"#;

/// The folder every row's files live in, as the catalogue shows it.
const SHOWN_DIR: &str = "/home/you/profiles";

struct Row {
    what: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    stdin: &'static str,
    exit: i32,
    /// The first line of stderr (or, for a step that fails, of stdout).
    says: String,
}

fn row(what: &'static str, args: &[&str], exit: i32, says: impl Into<String>) -> Row {
    Row {
        what,
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        stdin: "",
        exit,
        says: says.into(),
    }
}

impl Row {
    fn env(mut self, name: &'static str, value: &str) -> Self {
        self.env.push((name, value.to_string()));
        self
    }

    fn stdin(mut self, text: &'static str) -> Self {
        self.stdin = text;
        self
    }
}

/// `--token-env` given something that is no variable name: refused without quoting it.
const TOKEN_ENV_SLIP: &str = "error: --token-env takes the NAME of an environment variable that holds the token (letters, digits and _, not starting with a digit), e.g. --token-env SCIM_TOKEN, never the token itself; if you typed the token there, it may now be in your shell history: rotate it";

const PROFILE_FIX: &str =
    " Fix: Check the path given to --profile, or use one of: global, usgov, china.";
const SHAPE_FIX: &str = " Fix: Use the JSON that `scim-setup sandbox` prints, or a file with the keys name, microsoft{authority, graph, clientId} and unity{auth, api, scim}.";

/// Every row, with `DIR` standing for the folder the files are in.
fn rows() -> Vec<Row> {
    let diagnose = [
        "diagnose",
        "--url",
        "https://scim.example/scim/v2",
        "--token-env",
        "SCIM_BAD_INPUT_TOKEN",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut args = diagnose.to_vec();
        args.extend_from_slice(extra);
        args
    };
    let provision = [
        "--profile",
        "DIR/dead.json",
        "provision",
        "--app",
        "Unity",
        "--user",
        "a@contoso.com",
    ];
    // No --profile: the settings in the data folder choose.
    let plain_provision = ["provision", "--app", "Unity", "--user", "a@contoso.com"];
    let setup = |url: &'static str| -> Vec<&'static str> {
        vec![
            "--profile",
            "DIR/dead.json",
            "setup",
            "--scim-url",
            url,
            "--token-env",
            "SCIM_BAD_INPUT_TOKEN",
        ]
    };
    vec![
        row("--profile: a missing file", &["--profile", "DIR/missing.json", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            format!("error: Reading the cloud profile: There is no file at DIR/missing.json.{PROFILE_FIX}")),
        row("--profile: a directory", &["--profile", "DIR", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            format!("error: Reading the cloud profile: DIR is a folder, not a profile file.{PROFILE_FIX}")),
        row("--profile: an empty file", &["--profile", "DIR/empty.json", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            format!("error: Reading the cloud profile: The profile is not valid JSON of the expected shape: EOF while parsing a value at line 1 column 0.{SHAPE_FIX}")),
        row("--profile: 10 MB of text", &["--profile", "DIR/big.json", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            format!("error: Reading the cloud profile: DIR/big.json is 10240 KB, far larger than a profile file (at most 1024 KB).{PROFILE_FIX}")),
        row("--profile: empty", &["--profile", "", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            "error: a value is required for '--profile <FILE>' but none was supplied"),
        row("provision --app: empty", &["--profile", "DIR/dead.json", "provision", "--app", "", "--user", "a@contoso.com"], 2,
            "error: invalid value '' for '--app <NAME>': it is empty"),
        row("provision --user: whitespace", &["--profile", "DIR/dead.json", "provision", "--app", "Unity", "--user", "  "], 2,
            "error: invalid value '  ' for '--user <UPN>': it is empty"),
        row("setup --app: empty", &["--profile", "DIR/dead.json", "setup", "--app", ""], 2,
            "error: invalid value '' for '--app <NAME>': it is empty"),
        row("setup --provision: empty", &["--profile", "DIR/dead.json", "setup", "--provision", ""], 2,
            "error: invalid value '' for '--provision <UPN>': it is empty"),
        row("diagnose --token-env: an unset variable", &diagnose, 2,
            "error: the environment variable SCIM_BAD_INPUT_TOKEN is not set"),
        row("diagnose --token-env: an empty variable", &diagnose, 2,
            "error: the environment variable SCIM_BAD_INPUT_TOKEN is empty").env("SCIM_BAD_INPUT_TOKEN", ""),
        row("diagnose --token-env: whitespace", &diagnose, 2,
            "error: the environment variable SCIM_BAD_INPUT_TOKEN is empty").env("SCIM_BAD_INPUT_TOKEN", " \n "),
        row("diagnose --token-env: the token itself", &["diagnose", "--url", "https://scim.example/scim/v2", "--token-env", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-bmF0dXJl"], 2,
            TOKEN_ENV_SLIP),
        row("setup --token-env: the token itself", &["--profile", "DIR/dead.json", "setup", "--scim-url", "https://scim.example/scim/v2", "--token-env", "Bearer 7Q2aXk3m-Pq9sLm2Xr7Vt"], 2,
            TOKEN_ENV_SLIP),
        row("rotate-token --token-env: the token itself", &["--profile", "DIR/dead.json", "rotate-token", "--app", "Unity", "--token-env", "9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"], 2,
            TOKEN_ENV_SLIP),
        row("diagnose --token-env: a name shaped like a token, unset", &["diagnose", "--url", "https://scim.example/scim/v2", "--token-env", "uK3pQ9sLm2Xr7Vt1Zw8Yb4Nc6Hd0Jf5G"], 2,
            "error: the environment variable named by --token-env is not set"),
        row("diagnose --token-stdin: nothing on stdin", &["diagnose", "--url", "https://scim.example/scim/v2", "--token-stdin"], 2,
            "error: no token on stdin"),
        row("diagnose --token-stdin: only a newline", &["diagnose", "--url", "https://scim.example/scim/v2", "--token-stdin"], 2,
            "error: no token on stdin").stdin("\n"),
        row("diagnose: no token flag", &["diagnose", "--url", "https://scim.example/scim/v2"], 2,
            "error: the following required arguments were not provided:"),
        row("diagnose --timeout 0", &with(&["--timeout", "0"]), 2,
            "error: --timeout must be a number of seconds above 0 and at most 600").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("diagnose --timeout NaN", &with(&["--timeout", "NaN"]), 2,
            "error: --timeout must be a number of seconds above 0 and at most 600").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("diagnose --timeout 1e9", &with(&["--timeout", "1e9"]), 2,
            "error: --timeout must be a number of seconds above 0 and at most 600").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("diagnose --timeout ten", &with(&["--timeout", "ten"]), 2,
            "error: invalid value 'ten' for '--timeout <SECS>': invalid float literal").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("sandbox --port 70000", &["sandbox", "--port", "70000"], 2,
            "error: invalid value '70000' for '--port <N>': 70000 is not in 0..=65535"),
        row("sandbox --users many", &["sandbox", "--users", "many"], 2,
            "error: invalid value 'many' for '--users <N>': invalid digit found in string"),
        row("sandbox --fault bogus", &["sandbox", "--fault", "bogus"], 2,
            "error: --fault bogus: invalid fault spec \"bogus\": unknown KIND \"bogus\"; see the fault syntax"),
        row("SCIM_SETUP_SECRET_STORE=bogus", &provision, 2,
            "error: Choosing where secrets are kept: SCIM_SETUP_SECRET_STORE is \"bogus\", which is not a known store. Fix: Unset SCIM_SETUP_SECRET_STORE to use the OS keychain, or set it to `memory` for a scripted run.")
            .env("SCIM_SETUP_SECRET_STORE", "bogus"),
        row("SCIM_SETUP_DATA_DIR: a file", &plain_provision, 2,
            "error: Opening the app's data folder: DIR/data-file is a file, not a folder, so the journal, settings and logs cannot be kept there. Fix: Point --data-dir (or SCIM_SETUP_DATA_DIR) at a folder, or move the file out of the way.")
            .env("SCIM_SETUP_DATA_DIR", "DIR/data-file"),
        row("--data-dir: below a file", &["--data-dir", "DIR/data-file/scim", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            "error: Opening the app's data folder: DIR/data-file is a file, so DIR/data-file/scim cannot be a folder for the journal, settings and logs. Fix: Point --data-dir (or SCIM_SETUP_DATA_DIR) at a folder, or move the file out of the way."),
        row("settings.json: not JSON", &plain_provision, 2,
            "error: Reading the settings: DIR/broken-settings/settings.json is not valid JSON: EOF while parsing an object at line 1 column 1. Fix: Correct the file, or delete it to start with the default settings (then choose them again in Settings).")
            .env("SCIM_SETUP_DATA_DIR", "DIR/broken-settings"),
        row("settings.json: a custom profile that moved", &plain_provision, 2,
            "error: Reading the cloud profile chosen in Settings: The custom cloud profile chosen in Settings, DIR/moved.json, is not there any more (moved, renamed or deleted). Fix: Put the file back or repair it, or choose another profile in Settings (global, usgov, china, or another file). The choice is saved in DIR/moved-settings/settings.json; the command line can also name one with --profile FILE.")
            .env("SCIM_SETUP_DATA_DIR", "DIR/moved-settings"),
        row("diagnose --profile: a missing file", &["--profile", "DIR/missing.json", "diagnose", "--url", "https://scim.example/scim/v2", "--token-env", "SCIM_BAD_INPUT_TOKEN"], 2,
            format!("error: Reading the cloud profile: There is no file at DIR/missing.json.{PROFILE_FIX}")).env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("--tenant: common", &["--tenant", "common", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            "error: invalid value 'common' for '--tenant <TENANT>': \u{201c}common\u{201d} also lets personal Microsoft accounts sign in, and they cannot administer Entra ID."),
        row("--tenant: a URL", &["--tenant", "https://login.microsoftonline.com/contoso.com", "provision", "--app", "Unity", "--user", "a@contoso.com"], 2,
            "error: invalid value 'https://login.microsoftonline.com/contoso.com' for '--tenant <TENANT>': \u{201c}https://login.microsoftonline.com/contoso.com\u{201d} is not a tenant ID or a domain name: give only the domain, not a URL or an e-mail address."),
        row("setup --scim-url: http://", &setup("http://scim.example/scim/v2/tenants/x"), 1,
            "[FAILED] SCIM base connector URL: Entra only calls SCIM endpoints over HTTPS.").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("setup --scim-url: a fragment", &setup("https://scim.example/scim/v2#x"), 1,
            "[FAILED] SCIM base connector URL: The URL carries a fragment (#…), which a SCIM base URL does not have.").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("setup --scim-url: userinfo", &setup("https://me:pw@scim.example/scim/v2"), 1,
            "[FAILED] SCIM base connector URL: The URL carries a user name or password before the host (user@host), which a SCIM base URL does not have.").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("setup --scim-url: a query", &setup("https://scim.example/scim/v2?x=1"), 1,
            "[FAILED] SCIM base connector URL: The URL carries a query string, which a SCIM base URL does not have.").env("SCIM_BAD_INPUT_TOKEN", "abc"),
        row("setup --token-env: a token with a newline", &setup("https://scim.example/scim/v2"), 1,
            "[FAILED] SCIM base connector URL: The pasted text contains spaces or line breaks, so it is not a single token.").env("SCIM_BAD_INPUT_TOKEN", "abc\ndef"),
    ]
}

fn prepare(dir: &Path) {
    std::fs::write(dir.join("dead.json"), DEAD_PROFILE).expect("write");
    std::fs::write(dir.join("empty.json"), "").expect("write");
    let big: String = std::iter::repeat_n(' ', 10 * 1024 * 1024).collect();
    std::fs::write(dir.join("big.json"), big).expect("write");
    std::fs::write(dir.join("data-file"), "not a folder").expect("write");
    std::fs::create_dir_all(dir.join("broken-settings")).expect("mkdir");
    std::fs::write(dir.join("broken-settings/settings.json"), "{").expect("write");
    std::fs::create_dir_all(dir.join("moved-settings")).expect("mkdir");
    let moved =
        serde_json::json!({"profile": "custom", "customProfilePath": dir.join("moved.json")});
    std::fs::write(dir.join("moved-settings/settings.json"), moved.to_string()).expect("write");
}

fn run(row: &Row, dir: &Path) -> (i32, String) {
    let place = |text: &str| text.replace("DIR", &dir.display().to_string());
    let mut command = Command::new(BIN);
    command
        .args(row.args.iter().map(|a| place(a)))
        .env_remove("SCIM_BAD_INPUT_TOKEN")
        .env("SCIM_SETUP_DATA_DIR", dir.join("data"))
        .env("SCIM_SETUP_SECRET_STORE", "memory")
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in &row.env {
        command.env(name, place(value));
    }
    let mut child = command.spawn().expect("the binary starts");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(row.stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("the binary ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stderr
        .lines()
        .chain(stdout.lines())
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .to_string();
    (
        output.status.code().unwrap_or(-1),
        first.replace(&dir.display().to_string(), "DIR"),
    )
}

#[test]
fn every_bad_flag_environment_variable_and_file() {
    let dir = tempfile::tempdir().expect("a temp folder");
    prepare(dir.path());
    let mut wrong = Vec::new();
    for row in rows() {
        let (exit, says) = run(&row, dir.path());
        assert!(!says.contains("panicked"), "{}: {says}", row.what);
        if exit != row.exit || says != row.says {
            wrong.push(format!("{}: exit {exit}, says {says:?}", row.what));
        }
    }
    assert!(wrong.is_empty(), "rows that differ:\n{}", wrong.join("\n"));
}

/// As root every file is readable; the row is tried only as another user.
#[test]
fn a_profile_file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temp folder");
    let path = dir.path().join("locked.json");
    std::fs::write(&path, DEAD_PROFILE).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        println!("skipped: this account (root) reads files without read permission");
        return;
    }
    let locked = row(
        "--profile: no read permission",
        &["--profile", "DIR/locked.json", "provision", "--app", "Unity", "--user", "a@contoso.com"],
        2,
        format!("error: Reading the cloud profile: This account may not read DIR/locked.json.{PROFILE_FIX}"),
    );
    let (exit, says) = run(&locked, dir.path());
    assert_eq!((exit, says.as_str()), (locked.exit, locked.says.as_str()));
}

/// Every line above appears in docs/bad-input.md (with DIR shown as /home/you/profiles).
#[test]
fn the_catalogue_shows_every_line() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/bad-input.md"))
            .expect("docs/bad-input.md");
    for row in rows() {
        // `DIR` the folder, not the `DIR` in SCIM_SETUP_DATA_DIR.
        let shown = row
            .says
            .replace("_DIR", "\u{0}")
            .replace("DIR", SHOWN_DIR)
            .replace('\u{0}', "_DIR");
        assert!(
            doc.contains(&shown),
            "docs/bad-input.md does not show: {shown}"
        );
    }
}
