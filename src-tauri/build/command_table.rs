//! The command table: every `#[tauri::command]` function under `src/app/commands/`, read
//! from the source with `syn`, so nothing about a command is written twice. From it come:
//! - the command names `tauri_build` declares (each then needs a grant in capabilities/);
//! - the invoke handler the window and the round-trip tests register;
//! - the UI's typed command functions (`ui/src/ipc/bindings/commands.ts`, written by the
//!   `export_bindings_commands` test beside ts-rs's bindings, so the drift check covers it).
//!
//! Argument keys follow Tauri's own rule (a snake_case parameter is sent as camelCase);
//! types follow ts-rs's mapping (`u64` is `bigint`, `Vec<T>` is `Array<T>`, `Option<T>` is
//! `T | null`), and a named type refers to the binding ts-rs generates for it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use heck::ToLowerCamelCase;
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

/// One command as the UI sees it.
pub struct Command {
    /// The file the command lives in (`entra` for `commands/entra.rs`).
    pub module: String,
    /// The Rust function name, which is also the IPC command name.
    pub name: String,
    /// The `///` lines above the function.
    pub doc: Vec<String>,
    /// The arguments the webview sends, in order (Tauri-injected ones left out).
    pub args: Vec<Arg>,
    /// The TypeScript type of what the command resolves with.
    pub returns: String,
}

/// One argument the webview sends.
pub struct Arg {
    /// The key in the IPC payload (camelCase, as Tauri expects it).
    pub key: String,
    /// Its TypeScript type, or the event type when the argument is a progress `Channel`.
    pub ts: String,
    /// A `Channel<T>`: the UI passes a callback, sent as a Channel.
    pub channel: bool,
}

/// Parameters Tauri fills in itself; the webview never sends them.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

/// Reads every command in the `.rs` files of `dir` (sorted by file, then source order).
pub fn read(dir: &Path) -> Result<Vec<Command>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for file in files {
        let module = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let source =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let parsed = syn::parse_file(&source).map_err(|e| format!("{}: {e}", file.display()))?;
        for item in parsed.items {
            let syn::Item::Fn(function) = item else {
                continue;
            };
            if !function.attrs.iter().any(is_tauri_command) {
                continue;
            }
            let name = function.sig.ident.to_string();
            let at = |why: String| format!("{}: command {name}: {why}", file.display());
            let mut args = Vec::new();
            for input in &function.sig.inputs {
                let FnArg::Typed(typed) = input else {
                    return Err(at("a command cannot take self".into()));
                };
                let Pat::Ident(ident) = typed.pat.as_ref() else {
                    return Err(at("arguments must be plain names".into()));
                };
                if let Some(arg) = argument(&ident.ident.to_string(), &typed.ty).map_err(at)? {
                    args.push(arg);
                }
            }
            let returns = match &function.sig.output {
                ReturnType::Default => "null".to_string(),
                ReturnType::Type(_, ty) => match generic_of(ty, "Result") {
                    Some(ok) => ts_type(ok).map_err(at)?,
                    None => ts_type(ty).map_err(at)?,
                },
            };
            commands.push(Command {
                module: module.clone(),
                name,
                doc: doc_lines(&function.attrs),
                args,
                returns,
            });
        }
    }
    Ok(commands)
}

fn is_tauri_command(attr: &syn::Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments == ["tauri", "command"] || segments == ["command"]
}

fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn argument(name: &str, ty: &Type) -> Result<Option<Arg>, String> {
    let last = last_ident(ty);
    if last.as_deref().is_some_and(|l| INJECTED.contains(&l)) {
        return Ok(None);
    }
    let key = name.to_lower_camel_case();
    if let Some(event) = generic_of(ty, "Channel") {
        return Ok(Some(Arg {
            key,
            ts: ts_type(event)?,
            channel: true,
        }));
    }
    Ok(Some(Arg {
        key,
        ts: ts_type(ty)?,
        channel: false,
    }))
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `T` when `ty` is `wrapper<T, …>`.
fn generic_of<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    })
}

/// The TypeScript type ts-rs gives `ty`.
fn ts_type(ty: &Type) -> Result<String, String> {
    match ty {
        Type::Reference(reference) => ts_type(&reference.elem),
        Type::Tuple(tuple) if tuple.elems.is_empty() => Ok("null".into()),
        Type::Path(_) => {
            let name = last_ident(ty).unwrap_or_default();
            if let Some(inner) = generic_of(ty, "Option") {
                return Ok(format!("{} | null", ts_type(inner)?));
            }
            if let Some(inner) = generic_of(ty, "Vec") {
                return Ok(format!("Array<{}>", ts_type(inner)?));
            }
            Ok(match name.as_str() {
                "String" | "str" => "string".into(),
                "bool" => "boolean".into(),
                "u8" | "u16" | "u32" | "i8" | "i16" | "i32" | "f32" | "f64" | "usize" | "isize" => {
                    "number".into()
                }
                "u64" | "i64" | "u128" | "i128" => "bigint".into(),
                _ if name.chars().next().is_some_and(char::is_uppercase) => name,
                _ => return Err(format!("no TypeScript type for `{name}`")),
            })
        }
        _ => Err("unsupported argument type (use a named type)".into()),
    }
}

/// Named types `ts` refers to (each has a ts-rs binding of the same name).
fn named_types(ts: &str, into: &mut BTreeSet<String>) {
    for word in ts.split(|c: char| !c.is_alphanumeric() && c != '_') {
        if word.chars().next().is_some_and(char::is_uppercase) && word != "Array" {
            into.insert(word.to_string());
        }
    }
}

/// `src/app/command_table.rs`'s generated half: names, handler and the TypeScript module.
pub fn rust_source(commands: &[Command]) -> String {
    let mut out = String::new();
    out.push_str("/// Every command's IPC name, in the order of the command table.\n");
    out.push_str("#[cfg(test)]\npub const COMMAND_NAMES: &[&str] = &[\n");
    for command in commands {
        let _ = writeln!(out, "    {:?},", command.name);
    }
    out.push_str("];\n\n");
    out.push_str("/// The UI's typed command functions (`ui/src/ipc/bindings/commands.ts`).\n");
    let _ = writeln!(
        out,
        "#[cfg(test)]\npub const COMMANDS_TS: &str = {:?};\n",
        typescript(commands)
    );
    out.push_str(
        "/// The handler for every command in the table, for the window and the round trips.\n",
    );
    out.push_str("pub fn invoke_handler<R: tauri::Runtime>(\n) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {\n    tauri::generate_handler![\n");
    for command in commands {
        let _ = writeln!(
            out,
            "        crate::app::commands::{}::{},",
            command.module, command.name
        );
    }
    out.push_str("    ]\n}\n");
    out
}

/// The TypeScript module: one function per command, typed from the Rust signature.
pub fn typescript(commands: &[Command]) -> String {
    let mut types = BTreeSet::new();
    for command in commands {
        named_types(&command.returns, &mut types);
        for arg in &command.args {
            named_types(&arg.ts, &mut types);
        }
    }
    let mut out = String::new();
    out.push_str("// Generated by src-tauri/build.rs from the #[tauri::command] functions in\n");
    out.push_str("// src-tauri/src/app/commands/. Do not edit: change the Rust command instead.\n");
    out.push_str("import { call, channel } from '../transport';\n");
    for name in &types {
        let _ = writeln!(out, "import type {{ {name} }} from './{name}';");
    }
    let mut module = String::new();
    for command in commands {
        if command.module != module {
            module = command.module.clone();
            let _ = writeln!(out, "\n// commands/{module}.rs");
        }
        if !command.doc.is_empty() {
            let doc = command.doc.join(" ").replace("*/", "* /");
            let _ = writeln!(out, "/** {doc} */");
        }
        let params: Vec<String> = command
            .args
            .iter()
            .map(|arg| {
                if arg.channel {
                    format!("{}: (event: {}) => void", arg.key, arg.ts)
                } else {
                    format!("{}: {}", arg.key, arg.ts)
                }
            })
            .collect();
        let payload: Vec<String> = command
            .args
            .iter()
            .map(|arg| {
                if arg.channel {
                    format!("{0}: channel({0})", arg.key)
                } else {
                    arg.key.clone()
                }
            })
            .collect();
        let function = command.name.to_lower_camel_case();
        let payload = if payload.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", payload.join(", "))
        };
        let _ = writeln!(
            out,
            "export const {function} = ({}): Promise<{}> =>\n  call<{}>('{}'{payload});",
            params.join(", "),
            command.returns,
            command.returns,
            command.name
        );
    }
    out.push_str("\n/** Every command's IPC name. */\nexport const COMMAND_NAMES = [\n");
    for command in commands {
        let _ = writeln!(out, "  '{}',", command.name);
    }
    out.push_str("] as const;\n");
    out
}
