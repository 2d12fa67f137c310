//! The command tree, built from the table with clap's builder: `<bin> <group> <operation>`,
//! named like the client (kebab-case), with the spec's docs as help.
//!
//! Where each parameter and body field goes (an argument, or which flag) is decided once, by
//! [`layout`], for building the command, reading its matches and naming a flag in an error.
//! A flag never shadows another: a parameter whose name is taken (by a global flag, `--body`,
//! another parameter) gets a longer one (`--query-param`), and a body field whose name is taken
//! is reachable through `--set`; progenitor's generated CLIs panic on such clashes instead.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};
use heck::{ToKebabCase, ToShoutySnakeCase};

use super::{EXIT_CODES, output};
use crate::table::{Api, BodyKind, Field, Kind, Location, Operation, Param};

/// Long flags of the command itself, which no parameter or field may take.
const GLOBAL_FLAGS: &[&str] = &[
    "base-url", "profile", "output", "query", "jq", "dry-run", "verbose", "strict", "out-file",
    "help", "version",
];

/// Flags of an operation's own, besides its parameters and fields.
const OPERATION_FLAGS: &[&str] = &["body", "set", "all", "limit", "max-items"];

/// Subcommands of the binary, which no group may be named.
const BUILT_IN: &[&str] = &["api", "completions", "mcp", "test-server", "help"];

/// How one parameter is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    /// A positional argument, shown as `<VALUE_NAME>`.
    Argument(String),
    /// A flag, `--<long>`.
    Flag(String),
}

/// Where an operation's parameters and body fields go.
#[derive(Debug)]
pub(crate) struct Layout {
    pub(crate) params: Vec<(&'static Param, Placement)>,
    /// The top-level body fields that have a flag of their own.
    pub(crate) fields: Vec<(&'static Field, String)>,
    /// The flag that caps `--all` (`limit`, or `max-items` when a parameter is `--limit`).
    pub(crate) cap: Option<&'static str>,
}

/// The layout of `operation`'s arguments.
pub(crate) fn layout<C>(api: &Api<C>, operation: &'static Operation) -> Layout {
    let mut taken: Vec<String> = GLOBAL_FLAGS
        .iter()
        .chain(OPERATION_FLAGS)
        .map(|s| (*s).to_owned())
        .collect();
    for variable in api.variables {
        taken.push(variable.flag.to_owned());
        taken.extend(variable.short_flag.map(str::to_owned));
    }
    let mut params = Vec::new();
    for param in operation.params {
        // A required value is an argument; a required list is a flag given once per item (clap
        // takes one list among the arguments at most, and only last).
        if param.required && !matches!(param.kind, Kind::List(_)) {
            params.push((
                param,
                Placement::Argument(param.name.to_shouty_snake_case()),
            ));
            continue;
        }
        let mut flag = param.name.to_kebab_case();
        if flag.is_empty() {
            flag = "param".to_owned();
        }
        if taken.contains(&flag) {
            flag = format!("{flag}-param");
        }
        let mut n = 2;
        let base = flag.clone();
        while taken.contains(&flag) {
            flag = format!("{base}-{n}");
            n += 1;
        }
        taken.push(flag.clone());
        params.push((param, Placement::Flag(flag)));
    }
    // `--limit` caps `--all` unless a parameter took it first.
    let cap = operation.paginated.then(|| {
        if params
            .iter()
            .any(|(_, placement)| *placement == Placement::Flag("limit".to_owned()))
        {
            "max-items"
        } else {
            "limit"
        }
    });
    let mut fields = Vec::new();
    if let Some(body) = &operation.body
        && body.kind != BodyKind::Bytes
    {
        for field in body.fields {
            let flag = field.wire.to_kebab_case();
            if flag.is_empty() || taken.contains(&flag) {
                continue; // still reachable: `--set <wire>=…`
            }
            taken.push(flag.clone());
            fields.push((field, flag));
        }
    }
    Layout {
        params,
        fields,
        cap,
    }
}

/// The id of a parameter's argument: its wire name, which is unique in the operation (and
/// `p:` keeps it apart from the operation's own flags). An empty wire name is legal in a spec
/// but not as a clap id, hence the `=`.
pub(crate) fn param_id(wire: &str) -> String {
    format!("p:={wire}")
}

/// The id of a body field's flag.
pub(crate) fn field_id(wire: &str) -> String {
    format!("f:={wire}")
}

/// A group's subcommand name: its name in kebab-case, unique among the groups and the built-in
/// subcommands (`-group`, then `-2`, … when one has it already).
pub(crate) fn group_command<C>(api: &Api<C>, group: &str) -> String {
    let base = |name: &str| {
        let kebab = name.to_kebab_case();
        if BUILT_IN.contains(&kebab.as_str()) {
            format!("{kebab}-group")
        } else {
            kebab
        }
    };
    let mut used: Vec<String> = BUILT_IN.iter().map(|s| (*s).to_owned()).collect();
    for candidate in api.groups {
        let name = unique(base(candidate.name), &used);
        if candidate.name == group {
            return name;
        }
        used.push(name);
    }
    base(group)
}

/// An operation's subcommand name: its method's name in kebab-case, unique in its group.
pub(crate) fn operation_command<C>(api: &Api<C>, operation: &Operation) -> String {
    let mut used = vec!["help".to_owned()];
    for candidate in api
        .operations
        .iter()
        .filter(|op| op.group == operation.group)
    {
        let name = unique(candidate.name.to_kebab_case(), &used);
        if std::ptr::eq(candidate, operation) {
            return name;
        }
        used.push(name);
    }
    operation.name.to_kebab_case()
}

/// `name`, or `name-2`, `name-3`, … when it is taken.
fn unique(name: String, used: &[String]) -> String {
    if !used.contains(&name) {
        return name;
    }
    (2..)
        .map(|n| format!("{name}-{n}"))
        .find(|candidate| !used.contains(candidate))
        .expect("some suffix is free")
}

/// The operation a group and operation subcommand name.
pub(crate) fn operation_named<C>(
    api: &Api<C>,
    group: &str,
    name: &str,
) -> Option<&'static Operation> {
    api.operations
        .iter()
        .find(|op| group_command(api, op.group) == group && operation_command(api, op) == name)
}

/// How the user gives the argument of wire name `wire` (for messages): `--user-id`,
/// `<USER_ID>`, `--body`, or `--body`'s field.
pub(crate) fn flag_of<C>(api: &Api<C>, operation: &'static Operation, wire: &str) -> String {
    let layout = layout(api, operation);
    if let Some((_, placement)) = layout.params.iter().find(|(p, _)| p.key == wire) {
        return match placement {
            Placement::Argument(name) => format!("<{name}>"),
            Placement::Flag(flag) => format!("--{flag}"),
        };
    }
    match wire.strip_prefix("body.") {
        Some(path) => format!("the body's `{path}`"),
        None if wire == "body" => "the body".to_owned(),
        None => format!("`{wire}`"),
    }
}

/// The whole command tree of `api`.
pub fn root<C>(api: &'static Api<C>) -> Command {
    let mut root = Command::new(api.name)
        // Help says `zephr`, whatever the file is called.
        .bin_name(api.name)
        .version(format!(
            "{} (spec {} {}; {})",
            api.crate_version, api.title, api.spec_version, api.crate_name
        ))
        .about(format!(
            "The {} from the shell: every operation, signed.",
            api.title
        ))
        .long_about(format!(
            "The {} from the shell: every operation of the spec (version {}), signed and sent, \
             its response checked against the spec.\n\n\
             Commands are named like the client: `{} <group> <operation>`; `{} <group> --help` \
             lists a group's operations, and each operation's --help gives its parameters, an \
             example and what its statuses mean.",
            api.title, api.spec_version, api.name, api.name
        ))
        .after_long_help(format!("{}\n\n{EXIT_CODES}", super::target::help(api)))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100)
        .args(global_args(api));
    for group in api.groups {
        let operations: Vec<&'static Operation> = api
            .operations
            .iter()
            .filter(|op| op.group == group.name)
            .collect();
        if operations.is_empty() {
            continue;
        }
        let about = if group.description.is_empty() {
            format!("{} operations", group.title)
        } else {
            group.description.to_owned()
        };
        let mut command = Command::new(group_command(api, group.name))
            .about(first_sentence(&about))
            .long_about(about)
            .subcommand_required(true)
            .arg_required_else_help(true);
        for operation in operations {
            command = command.subcommand(operation_command_of(api, operation));
        }
        root = root.subcommand(command);
    }
    root.subcommand(raw_command())
        .subcommand(super::serve::command())
        .subcommand(
            Command::new("completions")
                .about("Prints the completions of this command for a shell")
                .long_about(format!(
                    "Prints the completions of this command for a shell, e.g. \
                     `{0} completions bash > ~/.local/share/bash-completion/completions/{0}`.",
                    api.name
                ))
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
        .subcommands(mcp_command())
}

#[cfg(feature = "mcp")]
fn mcp_command() -> Option<Command> {
    Some(crate::mcp::command())
}

#[cfg(not(feature = "mcp"))]
fn mcp_command() -> Option<Command> {
    None
}

/// The flags every command takes: where requests go, how output is shown.
fn global_args<C>(api: &Api<C>) -> Vec<Arg> {
    let prefix = api.env_prefix;
    let mut args = vec![
        Arg::new("base-url")
            .long("base-url")
            .value_name("URL")
            .global(true)
            .help_heading("Target")
            .help(format!(
                "Sends requests to URL instead of the spec's server [env: {prefix}_BASE_URL]"
            )),
        Arg::new("profile")
            .long("profile")
            .value_name("NAME")
            .global(true)
            .help_heading("Target")
            .help(format!(
                "The profile of the config file to use (default: `default`) [env: {prefix}_PROFILE]"
            )),
    ];
    for variable in api.variables {
        let mut arg = Arg::new(format!("var:{}", variable.name))
            .long(variable.flag)
            .value_name(variable.name.to_shouty_snake_case())
            .global(true)
            .help_heading("Target")
            .help(format!(
                "The server's `{}`{}{} [env: {prefix}_{}{}]",
                variable.name,
                if variable.description.is_empty() {
                    String::new()
                } else {
                    format!(": {}", variable.description)
                },
                if variable.allowed.is_empty() {
                    String::new()
                } else {
                    format!(" (one of {})", variable.allowed.join(", "))
                },
                variable.flag.to_shouty_snake_case(),
                match variable.short_flag {
                    Some(short) => format!(" or {prefix}_{}", short.to_shouty_snake_case()),
                    None => String::new(),
                }
            ));
        if let Some(short) = variable.short_flag {
            arg = arg.visible_alias(short);
        }
        args.push(arg);
    }
    args.extend([
        Arg::new("output")
            .short('o')
            .long("output")
            .value_name("FORMAT")
            .global(true)
            .help_heading("Output")
            .value_parser(PossibleValuesParser::new(output::FORMATS))
            .help("How to print the response: JSON (pretty on a terminal, compact in a pipe), JSON lines, YAML, a table, or the body as received"),
        Arg::new("query")
            .short('q')
            .long("query")
            .visible_alias("jq")
            .value_name("FILTER")
            .global(true)
            .help_heading("Output")
            .help("A jq filter applied to the response (or to each item with --all), e.g. '.results[].user_id'"),
        Arg::new("out-file")
            .long("out-file")
            .value_name("PATH")
            .global(true)
            .help_heading("Output")
            .help("Writes the output (a file download, say) to PATH instead of stdout"),
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .global(true)
            .help_heading("Output")
            .help("Prints the request that would be sent (signature redacted) and sends nothing"),
        Arg::new("verbose")
            .short('v')
            .long("verbose")
            .action(ArgAction::SetTrue)
            .global(true)
            .help_heading("Output")
            .help("Prints each attempt's request and response head, and timings, to stderr (credentials redacted)"),
        Arg::new("strict")
            .long("strict")
            .action(ArgAction::SetTrue)
            .global(true)
            .help_heading("Output")
            .help("Makes drift (a response that departs from the spec) an error, exit code 8; otherwise it is a warning on stderr"),
    ]);
    args
}

/// One operation's subcommand.
fn operation_command_of<C>(api: &Api<C>, operation: &'static Operation) -> Command {
    let layout = layout(api, operation);
    let summary = if operation.summary.is_empty() {
        format!("{} {}", operation.method, operation.path)
    } else {
        operation.summary.to_owned()
    };
    let deprecated = if operation.deprecated {
        "[deprecated] "
    } else {
        ""
    };
    let mut long_about = format!(
        "{deprecated}{summary}\n\n`{} {}`",
        operation.method, operation.path
    );
    if !operation.description.is_empty() && operation.description != operation.summary {
        long_about.push_str("\n\n");
        long_about.push_str(operation.description);
    }
    let mut command = Command::new(operation_command(api, operation))
        .about(format!("{deprecated}{}", first_sentence(&summary)))
        .long_about(long_about)
        .after_long_help(after_help(api, operation, &layout));
    for (param, placement) in &layout.params {
        command = command.arg(param_arg(param, placement));
    }
    if let Some(body) = &operation.body {
        let (source, help) = match body.kind {
            BodyKind::Bytes => (
                "@FILE|-",
                format!(
                    "The body ({}): `@FILE` reads a file, `-` stdin",
                    body.media_type
                ),
            ),
            _ => (
                "JSON|@FILE|-",
                format!(
                    "The body ({}): JSON or YAML, inline, from `@FILE` or from stdin (`-`). \
                     Field flags and --set override its fields{}{}",
                    body.media_type,
                    body.type_name
                        .map(|s| format!("; its type is `{s}`"))
                        .unwrap_or_default(),
                    if body.description.is_empty() {
                        String::new()
                    } else {
                        format!(". {}", body.description)
                    }
                ),
            ),
        };
        command = command.arg(
            Arg::new("body")
                .long("body")
                .value_name(source)
                .help_heading("Body")
                .help(help),
        );
        if body.kind != BodyKind::Bytes {
            command = command.arg(
                Arg::new("set")
                    .long("set")
                    .value_name("PATH=VALUE")
                    .action(ArgAction::Append)
                    .help_heading("Body")
                    .help(if body.kind == BodyKind::Multipart {
                        "Sets a field of the body, at any depth: `a.b[0].c=VALUE` (VALUE is JSON, or text; `@FILE` for a file)"
                    } else {
                        "Sets a field of the body, at any depth: `a.b[0].c=VALUE` (VALUE is JSON, or text where the field is text)"
                    }),
            );
        }
        for (field, flag) in &layout.fields {
            let mut arg = Arg::new(field_id(field.wire))
                .long(flag.clone())
                .value_name(flag.to_shouty_snake_case())
                .help_heading("Body fields")
                .help(describe(
                    &format!("The body's `{}`", field.wire),
                    field.description,
                    field.kind,
                    field.required,
                ));
            arg = with_kind(arg, field.kind);
            command = command.arg(arg);
        }
    }
    if let Some(cap) = layout.cap {
        command = command
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help_heading("Pages")
                    .help("Fetches every page, printing each item as it arrives (JSON lines unless --output says otherwise)"),
            )
            .arg(
                Arg::new("cap")
                    .long(cap)
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .requires("all")
                    .help_heading("Pages")
                    .help("With --all: stops after N items"),
            );
    }
    command
}

/// The argument of one parameter.
fn param_arg(param: &Param, placement: &Placement) -> Arg {
    let mut arg = Arg::new(param_id(param.key)).help(describe(
        &format!("`{}` ({})", param.wire, param.location.as_str()),
        param.description,
        param.kind,
        param.required,
    ));
    let positional = matches!(placement, Placement::Argument(_));
    arg = match placement {
        Placement::Argument(name) => arg.value_name(name.clone()).required(true),
        Placement::Flag(flag) => arg
            .long(flag.clone())
            .value_name(flag.to_shouty_snake_case())
            .required(param.required),
    };
    if param.location == Location::Header {
        arg = arg.help_heading("Headers");
    }
    match (positional, param.kind) {
        // An argument always takes its value: `true` or `false`.
        (true, Kind::Boolean) => arg.value_parser(PossibleValuesParser::new(["true", "false"])),
        (_, kind) => with_kind(arg, kind),
    }
}

/// A value's parser and arity from its kind: an enum's values are clap's possible values (listed
/// in help, a typo refused with the closest), a list takes the flag again for each item, a
/// boolean flag alone means `true`.
fn with_kind(arg: Arg, kind: Kind) -> Arg {
    match kind {
        Kind::Enum(values) => arg.value_parser(PossibleValuesParser::new(values)),
        Kind::Boolean => arg
            .value_parser(PossibleValuesParser::new(["true", "false"]))
            .num_args(0..=1)
            .default_missing_value("true"),
        Kind::List(item) => with_kind(arg, *item).action(ArgAction::Append),
        _ => arg,
    }
}

/// A parameter's or field's help: its description, what it takes, whether it is required.
fn describe(what: &str, description: &str, kind: Kind, required: bool) -> String {
    let mut help = what.to_owned();
    if !description.is_empty() {
        help.push_str(": ");
        help.push_str(description);
    }
    if !matches!(kind, Kind::Enum(_) | Kind::Boolean | Kind::String) {
        help.push_str(&format!(" [{}]", kind.describe()));
    }
    if required && !what.starts_with('`') {
        help.push_str(" [required]");
    }
    help
}

/// The text after an operation's options: an example, the statuses, the exit codes.
fn after_help<C>(api: &Api<C>, operation: &'static Operation, layout: &Layout) -> String {
    let mut text = String::new();
    if let Some(example) = example(api, operation, layout) {
        text.push_str("Example (from the spec's examples):\n  ");
        text.push_str(&example);
        text.push_str("\n\n");
    }
    if !operation.statuses.is_empty() {
        text.push_str("Statuses:\n");
        for (status, meaning) in operation.statuses {
            text.push_str(&format!("  {status}  {meaning}\n"));
        }
        text.push('\n');
    }
    if let Some(output) = operation.output.type_name {
        text.push_str(&format!("Output: `{output}`, as JSON\n\n"));
    }
    text.push_str(EXIT_CODES);
    text
}

/// A command line built from the spec's examples of the operation's parameters and body.
fn example<C>(api: &Api<C>, operation: &'static Operation, layout: &Layout) -> Option<String> {
    let example: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(operation.example?).ok()?;
    let mut words = vec![
        api.name.to_owned(),
        group_command(api, operation.group),
        operation_command(api, operation),
    ];
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (param, placement) in &layout.params {
        match (example.get(param.key), placement) {
            (Some(value), Placement::Argument(_)) => words.push(shell_quote(&text(value))),
            (None, Placement::Argument(name)) => words.push(format!("<{name}>")),
            (Some(value), Placement::Flag(flag)) => {
                words.push(format!("--{flag}"));
                words.push(shell_quote(&text(value)));
            }
            (None, Placement::Flag(_)) => {}
        }
    }
    if let Some(body) = example.get("body") {
        words.push("--body".to_owned());
        words.push(shell_quote(&body.to_string()));
    }
    Some(words.join(" "))
}

/// `text` as one shell word.
fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The first sentence of `text` (a group's or operation's one-line summary in a list).
fn first_sentence(text: &str) -> String {
    let end = text
        .find(". ")
        .map(|at| at + 1)
        .unwrap_or(text.len())
        .min(120);
    let mut end = end;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len() && !text[..end].ends_with('.') {
        format!("{}…", &text[..end])
    } else {
        text[..end].to_owned()
    }
}

/// `<bin> api METHOD PATH`.
fn raw_command() -> Command {
    Command::new("api")
        .about("Signs and sends any request, for what the spec lacks or gets wrong")
        .long_about(
            "Signs and sends any request, like `gh api`: for an endpoint the spec lacks or \
             describes wrongly. PATH is relative to the server (`/v3/users?limit=5`); the \
             response is printed as it came (JSON is formatted by --output and --query).",
        )
        .arg(
            Arg::new("method")
                .required(true)
                .value_name("METHOD")
                .help("GET, POST, PUT, PATCH, DELETE, …"),
        )
        .arg(
            Arg::new("path")
                .required(true)
                .value_name("PATH")
                .help("The path, with a query string if you like: /v3/users?limit=5"),
        )
        .arg(
            Arg::new("param")
                .short('P')
                .long("param")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("Adds a query parameter (percent-encoded for you)"),
        )
        .arg(
            Arg::new("header")
                .short('H')
                .long("header")
                .value_name("NAME:VALUE")
                .action(ArgAction::Append)
                .help("Adds a header"),
        )
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("JSON|@FILE|-")
                .help("The body: JSON or YAML (sent as JSON), inline, from @FILE or stdin (-)"),
        )
        .arg(
            Arg::new("unsigned")
                .long("unsigned")
                .action(ArgAction::SetTrue)
                .help("Sends the request without signing it"),
        )
}
