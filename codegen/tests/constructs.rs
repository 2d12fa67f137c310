//! One fixture spec per schema or operation construct (`tests/fixtures/*.yaml`), checked at the
//! IR: the Rust names and types the generator decided on. The same fixtures' crates are committed
//! (`tests/snapshots`) and their behaviour tested (`tests/behaviour`).

use std::path::Path;

use codegen::ir::{
    Additional, Api, Auth, BodyKind, Field, Method, OneOf, PageStyle, ParamLocation, ParamType,
    ResponseBody, Status, StringEnum, Struct, TypeDef, TypeKind, TypeRef,
};

fn fixture(name: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.yaml"));
    let spec = codegen::load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    codegen::build_ir(&spec, &codegen::Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn def<'a>(api: &'a Api, rust_name: &str) -> &'a TypeDef {
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    api.types
        .iter()
        .find(|t| t.name == rust_name)
        .unwrap_or_else(|| panic!("no type `{rust_name}` among {names:?}"))
}

fn structure<'a>(api: &'a Api, rust_name: &str) -> &'a Struct {
    match &def(api, rust_name).kind {
        TypeKind::Struct(s) => s,
        other => panic!("`{rust_name}` is not a struct: {other:?}"),
    }
}

fn string_enum<'a>(api: &'a Api, rust_name: &str) -> &'a StringEnum {
    match &def(api, rust_name).kind {
        TypeKind::Enum(e) => e,
        other => panic!("`{rust_name}` is not a string enum: {other:?}"),
    }
}

fn one_of<'a>(api: &'a Api, rust_name: &str) -> &'a OneOf {
    match &def(api, rust_name).kind {
        TypeKind::OneOf(o) => o,
        other => panic!("`{rust_name}` is not a oneOf enum: {other:?}"),
    }
}

fn field<'a>(s: &'a Struct, wire_name: &str) -> &'a Field {
    s.fields
        .iter()
        .find(|f| f.wire_name == wire_name)
        .unwrap_or_else(|| panic!("no field for `{wire_name}`"))
}

fn named(api: &Api, rust_name: &str) -> TypeRef {
    TypeRef::Named(
        api.types
            .iter()
            .position(|t| t.name == rust_name)
            .expect("type exists"),
    )
}

fn shown(api: &Api, ty: &TypeRef) -> String {
    api.display(ty).to_string()
}

#[test]
fn required_properties_are_plain_and_optional_ones_options() {
    let api = fixture("required_optional");
    let account = structure(&api, "Account");
    let names: Vec<&str> = account
        .fields
        .iter()
        .map(|f| f.rust_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["id", "owner", "label", "seats"],
        "spec order is kept"
    );
    assert!(field(account, "id").required && !field(account, "id").is_optional());
    assert_eq!(field(account, "owner").ty, named(&api, "Owner"));
    assert!(field(account, "label").is_optional());
    assert_eq!(field(account, "seats").ty, TypeRef::I32);
    assert!(
        field(account, "seats")
            .doc
            .notes
            .iter()
            .any(|n| n.contains("Default: `5`"))
    );
    assert!(
        structure(&api, "Owner")
            .fields
            .iter()
            .all(Field::is_optional)
    );
    // A required name no property declares is a field too (any JSON), so requests can be valid.
    let token = structure(&api, "Token");
    let fields: Vec<(&str, &str, bool, &TypeRef)> = token
        .fields
        .iter()
        .map(|f| {
            (
                f.rust_name.as_str(),
                f.wire_name.as_str(),
                f.required,
                &f.ty,
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("refresh_token", "refresh token", false, &TypeRef::String),
            ("refresh_token_2", "refresh_token", true, &TypeRef::Json)
        ]
    );
}

#[test]
fn nullable_required_fields_are_options_that_are_still_sent() {
    let api = fixture("nullable");
    let session = structure(&api, "Session");
    let ended = field(session, "ended_at");
    assert!(ended.required, "required: sent even when None (as null)");
    assert_eq!(ended.ty, TypeRef::Nullable(Box::new(TypeRef::String)));
    assert!(ended.is_optional());
    let note = field(session, "note");
    assert!(!note.required && note.is_optional());
    // `allOf: [$ref]` + `nullable` is the referenced type, nullable.
    assert_eq!(
        field(session, "owner").ty,
        TypeRef::Nullable(Box::new(named(&api, "Owner")))
    );
}

/// A component that is an object and admits `null` stays one struct; every use of it is
/// nullable: a required property directly, through a `$ref` alias, through `allOf` (also of a
/// component of another file, and in 3.1's forms), and a list's items. Bodies keep the type.
#[test]
fn a_nullable_component_is_nullable_wherever_it_is_used() {
    let api = fixture("nullable");
    let nullable = |ty: TypeRef| TypeRef::Nullable(Box::new(ty));
    let milestone = named(&api, "Milestone");
    assert!(matches!(def(&api, "Milestone").kind, TypeKind::Struct(_)));
    let issue = structure(&api, "Issue");
    for wire in ["milestone", "assignee", "window"] {
        let f = field(issue, wire);
        assert!(f.required, "{wire}");
        assert_eq!(f.ty, nullable(milestone.clone()), "{wire}");
    }
    assert_eq!(
        field(issue, "labels").ty,
        TypeRef::Vec(Box::new(nullable(milestone.clone())))
    );
    // Not nullable: an optional `Option`, a `null` for it is drift.
    assert_eq!(field(issue, "owner").ty, named(&api, "Owner"));

    let api = fixture("openapi_31");
    let delivery = structure(&api, "Delivery");
    assert_eq!(
        field(delivery, "shipment").ty,
        nullable(named(&api, "Shipment"))
    );
    assert_eq!(
        field(delivery, "coupon").ty,
        nullable(named(&api, "Coupon"))
    );

    let api = fixture("multi_file");
    let pet = structure(&api, "Pet");
    assert_eq!(
        field(pet, "next_checkup").ty,
        nullable(named(&api, "Checkup"))
    );
}

#[test]
fn string_enums_keep_wire_values_and_a_fallback() {
    let api = fixture("string_enums");
    let state = string_enum(&api, "State");
    let variants: Vec<(&str, &str)> = state
        .variants
        .iter()
        .map(|v| (v.rust_name.as_str(), v.wire.as_str()))
        .collect();
    assert_eq!(
        variants,
        [
            ("Queued", "queued"),
            ("InProgress", "in-progress"),
            ("Done", "DONE"),
            ("V2faRequired", "2fa-required"),
            ("Unknown", "unknown"),
            ("Unknown2", "Unknown"),
        ],
        "duplicates dropped, names made valid and unique"
    );
    assert_eq!(
        state.fallback, "UnknownValue",
        "the fallback does not take a listed value's name"
    );
    // An inline enum is hoisted under its parent's name.
    assert_eq!(
        field(structure(&api, "Job"), "priority").ty,
        named(&api, "JobPriority")
    );
    assert_eq!(string_enum(&api, "JobPriority").fallback, "Unknown");
}

#[test]
fn one_of_and_any_of_become_enums() {
    let api = fixture("one_of");
    let pet = one_of(&api, "Pet");
    assert_eq!(pet.tag, None, "no common constant property: untagged");
    let variants: Vec<(&str, TypeRef)> = pet
        .variants
        .iter()
        .map(|v| (v.rust_name.as_str(), v.ty.clone()))
        .collect();
    assert_eq!(
        variants,
        [("Cat", named(&api, "Cat")), ("Dog", named(&api, "Dog"))]
    );

    let id_or_list = one_of(&api, "IdOrList");
    let shapes: Vec<String> = id_or_list
        .variants
        .iter()
        .map(|v| format!("{} {}", v.rust_name, shown(&api, &v.ty)))
        .collect();
    assert_eq!(shapes, ["String String", "Array Vec<String>"]);

    let grant = one_of(&api, "Grant");
    assert_eq!(grant.tag.as_deref(), Some("grant_type"));
    let tags: Vec<Option<&str>> = grant
        .variants
        .iter()
        .map(|v| v.tag_value.as_deref())
        .collect();
    assert_eq!(tags, [Some("authorization_code"), Some("refresh_token")]);
    // The tag is the enum's, not a field of the variant.
    let code = structure(&api, "GrantAuthorizationCode");
    assert!(code.fields.iter().all(|f| f.wire_name != "grant_type"));
    assert!(field(code, "code").required);
}

#[test]
fn all_of_merges_properties_and_requirements() {
    let api = fixture("all_of");
    let product = structure(&api, "Product");
    let merged: Vec<(&str, bool)> = product
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.required))
        .collect();
    assert_eq!(
        merged,
        [
            ("id", true),
            ("created", false),
            ("name", true),
            ("price", true)
        ]
    );
    assert_eq!(field(product, "price").ty, TypeRef::F64);
    // A one-part allOf is the part itself.
    assert_eq!(
        def(&api, "Wrapped").kind,
        TypeKind::Alias(named(&api, "Named"))
    );
}

#[test]
fn additional_properties_become_maps_and_free_form_objects_json_objects() {
    let api = fixture("maps");
    assert_eq!(
        def(&api, "Meters").kind,
        TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::I64)))
    );
    let labelled = structure(&api, "Labelled");
    assert_eq!(
        labelled.additional,
        Additional::Typed {
            field: "additional_properties".to_owned(),
            ty: TypeRef::String
        }
    );
    // `type: object` with no properties is any object; no type at all is any value.
    assert_eq!(
        def(&api, "Anything").kind,
        TypeKind::Alias(TypeRef::JsonObject)
    );
    assert_eq!(def(&api, "Untyped").kind, TypeKind::Alias(TypeRef::Json));
    let closed = structure(&api, "Closed");
    assert_eq!(
        (closed.fields.len(), &closed.additional),
        (0, &Additional::Closed)
    );
    assert_eq!(structure(&api, "Strict").additional, Additional::Closed);
    let holder = structure(&api, "Holder");
    // Open unless the schema says otherwise, and the map's name never takes a property's.
    // Unless the spec says they may come, unlisted properties are drift (`by_design: false`).
    assert_eq!(
        holder.additional,
        Additional::Open {
            field: "additional_properties".to_owned(),
            by_design: false
        }
    );
    let clash = structure(&api, "Clash");
    assert_eq!(
        clash.additional,
        Additional::Open {
            field: "additional_properties_2".to_owned(),
            by_design: false
        }
    );
    for expected in ["Tenant", "Attributes"] {
        assert_eq!(
            structure(&api, expected).additional,
            Additional::Open {
                field: "additional_properties".to_owned(),
                by_design: true
            },
            "{expected}: `additionalProperties: true` and `x-codegen: {{open: true}}` say they may come"
        );
    }
    assert_eq!(field(holder, "extra").ty, TypeRef::JsonObject);
    assert_eq!(
        shown(&api, &field(holder, "groups").ty),
        "BTreeMap<String, types::HolderGroupsValue>"
    );
}

#[test]
fn integer_and_number_formats_pick_the_rust_width() {
    let api = fixture("numbers");
    let measure = structure(&api, "Measure");
    let types: Vec<(&str, TypeRef)> = measure
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.ty.clone()))
        .collect();
    assert_eq!(
        types,
        [
            ("small", TypeRef::I32),
            ("big", TypeRef::I64),
            ("plain", TypeRef::I64),
            ("ratio", TypeRef::F32),
            ("precise", TypeRef::F64),
            ("any_number", TypeRef::F64),
            ("flag", TypeRef::Bool),
            ("level", TypeRef::I64),
        ]
    );
    assert!(
        field(measure, "level")
            .doc
            .notes
            .iter()
            .any(|n| n.contains("Allowed values: `1`, `2`, `3`"))
    );
}

#[test]
fn arrays_of_refs_inline_objects_and_arrays() {
    let api = fixture("arrays");
    assert_eq!(shown(&api, &def_alias(&api, "Matrix")), "Vec<Vec<f64>>");
    let order = structure(&api, "Order");
    assert_eq!(shown(&api, &field(order, "tags").ty), "Vec<types::Tag>");
    assert_eq!(
        shown(&api, &field(order, "lines").ty),
        "Vec<types::OrderLinesItem>"
    );
    assert!(field(structure(&api, "OrderLinesItem"), "sku").required);
    assert_eq!(
        shown(&api, &field(order, "anything").ty),
        "Vec<serde_json::Value>"
    );
}

fn def_alias(api: &Api, name: &str) -> TypeRef {
    match &def(api, name).kind {
        TypeKind::Alias(t) => t.clone(),
        other => panic!("`{name}` is not an alias: {other:?}"),
    }
}

#[test]
fn recursion_is_boxed_once_per_cycle_and_never_behind_a_collection() {
    let api = fixture("recursive");
    let tree = structure(&api, "Tree");
    assert!(!field(tree, "children").boxed, "a Vec already allocates");
    assert!(!field(tree, "by_name").boxed, "a map already allocates");
    assert!(
        field(structure(&api, "Node"), "next").boxed,
        "a direct self-reference needs a Box"
    );
    let (team, lead) = (
        field(structure(&api, "Employee"), "team"),
        field(structure(&api, "Team"), "lead"),
    );
    assert!(
        team.boxed != lead.boxed,
        "one Box breaks the Employee ⇄ Team cycle (team {}, lead {})",
        team.boxed,
        lead.boxed
    );
    assert!(!field(structure(&api, "Team"), "label").boxed);
    // `type Forest = Vec<Forest>` cannot be written: it becomes a newtype.
    assert!(matches!(def(&api, "Forest").kind, TypeKind::NewType(_)));
}

#[test]
fn names_that_are_not_identifiers_are_made_valid_and_unique() {
    let api = fixture("names");
    let user = structure(&api, "AccountUser");
    let names: Vec<(&str, &str)> = user
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.rust_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("type", "r#type"),
            ("true", "r#true"),
            ("self", "self_"),
            ("match", "r#match"),
            ("Content-Type", "content_type"),
            ("db.tables.accountUsers", "db_tables_account_users"),
            ("fooBar", "foo_bar"),
            ("foo_bar", "foo_bar_2"),
            ("2fa", "v2fa"),
            ("price", "price"),
        ]
    );
    assert_eq!(
        field(user, "price").ty,
        named(&api, "ProductMappingPricePoint")
    );
    // `AccountUser` comes second in the spec, so it yields the name to `account-user`.
    assert!(
        matches!(&def(&api, "AccountUser2").origin, codegen::ir::Origin::Schema(s) if s == "AccountUser")
    );
    // Prelude names stay usable inside the generated code.
    assert!(
        matches!(&def(&api, "Option2").origin, codegen::ir::Origin::Schema(s) if s == "Option")
    );
    // The unquoted `true:` key (a YAML boolean) is the property "true".
    assert_eq!(
        field(structure(&api, "Redirect"), "true").rust_name,
        "r#true"
    );
}

#[test]
fn operations_get_names_parameters_bodies_and_results() {
    let api = fixture("operations");
    let names: Vec<(Method, &str, &str)> = api
        .operations
        .iter()
        .map(|o| (o.method, o.path.as_str(), o.method_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (Method::Get, "/widgets", "list_widgets"),
            (Method::Post, "/widgets", "post_widgets"),
            (
                Method::Get,
                "/widgets/{widget_id}/parts/{partId}",
                "get_widgets_parts_by_part_id"
            ),
            (
                Method::Delete,
                "/widgets/{widget_id}/parts/{partId}",
                "delete_widgets_parts_by_part_id"
            ),
            (Method::Get, "/health", "get_health"),
        ]
    );
    let groups: Vec<(&str, usize)> = api
        .groups
        .iter()
        .map(|g| (g.tag.as_str(), g.operations.len()))
        .collect();
    assert_eq!(
        groups,
        [("Widgets", 4), ("Other", 1)],
        "empty tags are dropped, untagged go to Other"
    );

    let list = &api.operations[0];
    let params: Vec<(&str, &str, ParamLocation, bool)> = list
        .params
        .iter()
        .map(|p| {
            (
                p.wire_name.as_str(),
                p.rust_name.as_str(),
                p.location,
                p.required,
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            (
                "filter[colour]",
                "filter_colour",
                ParamLocation::Query,
                false
            ),
            ("ids", "ids", ParamLocation::Query, false),
            ("tags", "tags", ParamLocation::Query, false),
            ("limit", "limit", ParamLocation::Query, true),
            ("X-Trace-Id", "x_trace_id", ParamLocation::Header, false),
            ("session", "session", ParamLocation::Cookie, false),
        ]
    );
    assert_eq!(
        list.params[1].ty,
        ParamType::List {
            item: TypeRef::I64,
            explode: true
        }
    );
    assert_eq!(
        list.params[2].ty,
        ParamType::List {
            item: TypeRef::String,
            explode: false
        }
    );
    let errors: Vec<Status> = list.errors.iter().map(|c| c.status).collect();
    assert_eq!(errors, [Status::Code(400), Status::Default]);
    assert!(list.error_enum.is_some() && list.response_enum.is_none());

    let post = &api.operations[1];
    assert!(
        matches!(&post.body, Some(b) if b.required && b.kind == BodyKind::Json(named(&api, "Widget")))
    );
    let success: Vec<(Status, &str)> = post
        .success
        .iter()
        .map(|c| (c.status, c.variant.as_str()))
        .collect();
    assert_eq!(
        success,
        [
            (Status::Code(200), "Ok"),
            (Status::Code(201), "Created"),
            (Status::Code(204), "NoContent")
        ]
    );
    assert!(post.response_enum.is_some());
    assert_eq!(post.success[2].body, ResponseBody::Empty);

    // Path-level parameters come first, then the operation's; both are arguments.
    let part = &api.operations[2];
    let path_params: Vec<(&str, TypeRef)> = part
        .params
        .iter()
        .filter_map(|p| match &p.ty {
            ParamType::Scalar(ty) => Some((p.wire_name.as_str(), ty.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        path_params,
        [("widget_id", TypeRef::String), ("partId", TypeRef::I64)]
    );
    assert_eq!(
        part.success[0].body,
        ResponseBody::Raw {
            media_type: "*/*".to_owned(),
            documented: Some(named(&api, "Widget"))
        }
    );
    assert_eq!(
        api.operations[3].success[0].body,
        ResponseBody::Raw {
            media_type: "application/json".to_owned(),
            documented: None
        }
    );

    assert!(list.signed);
    assert!(
        !api.operations[4].signed,
        "`security: []` turns signing off"
    );
    assert_eq!(
        api.auth,
        Auth::Bearer {
            scheme: "token".to_owned()
        }
    );
    let server = api.server.as_ref().unwrap();
    let variables: Vec<(&str, &str)> = server
        .variables
        .iter()
        .map(|v| (v.rust_name.as_str(), v.default.as_str()))
        .collect();
    assert_eq!(variables, [("region", "eu"), ("base", "v1")]);
}

#[test]
fn request_bodies_by_reference_inline_raw_and_optional() {
    let api = fixture("request_bodies");
    let by_name = |name: &str| {
        api.operations
            .iter()
            .find(|o| o.method_name == name)
            .unwrap()
    };
    let create = by_name("create_note");
    assert!(
        matches!(&create.body, Some(b) if b.required && b.kind == BodyKind::Json(named(&api, "NoteBody")))
    );
    assert!(field(structure(&api, "NoteBody"), "text").required);
    let replace = by_name("replace_notes");
    assert!(
        matches!(&replace.body, Some(b) if !b.required && b.kind == BodyKind::Json(TypeRef::Vec(Box::new(TypeRef::String))))
    );
    let upload = by_name("upload_note");
    assert!(
        matches!(&upload.body, Some(b) if b.kind == BodyKind::Raw && b.media_type == "text/plain")
    );
    let search = by_name("search_notes");
    assert!(
        matches!(&search.body, Some(b) if b.kind == BodyKind::Json(named(&api, "SearchNotesRequest")))
    );
    assert_eq!(
        search.success[0].body,
        ResponseBody::Json(named(&api, "SearchNotesResponse"))
    );
    // The media-type example and both named response examples are collected with their types.
    let examples: Vec<&str> = api.examples.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(examples.len(), 3, "{examples:?}");
}

#[test]
fn the_signer_follows_the_security_scheme() {
    assert_eq!(
        fixture("security_api_key").auth,
        Auth::ApiKeyHeader {
            scheme: "key".to_owned(),
            header: "X-Api-Key".to_owned()
        }
    );
    let none = fixture("security_none");
    assert_eq!(none.auth, Auth::None);
    assert!(none.server.is_none());
    assert!(!none.operations[0].signed);
}

#[test]
fn pagination_is_detected_or_configured() {
    let api = fixture("pagination");
    let by_id = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.operation_id.as_deref() == Some(id))
            .unwrap()
    };
    let wire = |op: &codegen::ir::Operation, i: usize| op.params[i].wire_name.clone();
    let steps =
        |steps: &[codegen::ir::Step]| steps.iter().map(|s| s.field.clone()).collect::<Vec<_>>();

    let items = by_id("listItems");
    let pagination = items.pagination.as_ref().expect("page numbers");
    let PageStyle::PageNumber { page, size, first } = &pagination.style else {
        panic!("{pagination:?}")
    };
    assert_eq!(
        (wire(items, *page), size.map(|s| wire(items, s)), *first),
        ("page".to_owned(), Some("per_page".to_owned()), 0)
    );
    assert_eq!(
        (
            steps(&pagination.items),
            pagination.total.as_deref().map(steps)
        ),
        (
            vec!["data".to_owned()],
            Some(vec!["total_count".to_owned()])
        )
    );

    let events = by_id("listEvents").pagination.as_ref().expect("offsets");
    assert!(
        matches!(events.style, PageStyle::Offset { .. }) && events.items.is_empty(),
        "{events:?}"
    );
    let logs = by_id("listLogs").pagination.as_ref().expect("cursor");
    let PageStyle::Cursor { next, .. } = &logs.style else {
        panic!("{logs:?}")
    };
    assert_eq!(steps(next), ["next_cursor"]);

    assert!(by_id("getReport").pagination.is_none(), "no list, no pages");
    assert!(
        by_id("listSwitchedOff").pagination.is_none(),
        "switched off by x-codegen"
    );
    let configured = by_id("listConfigured")
        .pagination
        .as_ref()
        .expect("configured by x-codegen");
    assert_eq!(
        configured.total.as_deref().map(steps),
        Some(vec!["info".to_owned(), "all".to_owned()])
    );
}

#[test]
fn defects_are_warnings_with_a_safe_default_and_errors_when_strict() {
    let api = fixture("defects");
    let warned: Vec<&str> = api.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert!(
        warned.contains(&"/paths/~1widgets~1{widget_id}~1parts~1{part_name}/get"),
        "{warned:?}"
    );
    assert!(
        warned.contains(&"/paths/~1widgets~1{widget_id}/put/responses/200"),
        "{warned:?}"
    );
    let get_part = api
        .operations
        .iter()
        .find(|o| o.method_name == "get_part")
        .unwrap();
    let part = get_part
        .params
        .iter()
        .find(|p| p.wire_name == "part_name")
        .expect("declared for the spec");
    assert!(
        part.required
            && part.location == ParamLocation::Path
            && part.ty == ParamType::Scalar(TypeRef::String)
    );
    // Refs into the insides of components name one type, wherever they point from.
    assert_eq!(
        field(structure(&api, "Envelope"), "data").ty,
        named(&api, "EnvelopeData")
    );
    assert!(
        api.types.iter().all(|t| !t.name.contains("Properties")),
        "no copy of a shape under a second name"
    );

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/defects.yaml");
    let spec = codegen::load::load_file(&path).unwrap();
    let error = codegen::build_ir(
        &spec,
        &codegen::Options {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("defects.yaml: at /paths/~1widgets~1{widget_id}/put/responses/200: $ref `#/components/requestBodies/Widget` points at a request body where a response belongs"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .ends_with("(an error because of --strict)"),
        "{error}"
    );
}

#[test]
fn envelopes_and_encoded_parameters_follow_the_overlay_extensions() {
    let api = fixture("envelopes");
    let op = &api.operations[0];
    assert_eq!(op.success[0].envelope.as_deref(), Some("results"));
    let filters = &op.params[0];
    match &filters.ty {
        ParamType::Encoded {
            documented,
            typed: Some(typed),
        } => {
            assert_eq!(api.display(documented).to_string(), "types::Filters");
            assert_eq!(typed.raw_setter, "filters_encoded");
        }
        other => panic!("filters: {other:?}"),
    }
    // The wrapped example is checked by what it wraps; the bare one as it is.
    let mut pointers: Vec<&str> = api.examples.iter().map(|e| e.pointer.as_str()).collect();
    pointers.sort();
    assert_eq!(
        pointers,
        [
            "/paths/~1widgets/get/responses/200/content/application~1json/examples/bare/value",
            "/paths/~1widgets/get/responses/200/content/application~1json/examples/wrapped/value/results",
        ]
    );
}

#[test]
fn a_malformed_envelope_or_encodes_is_named() {
    let spec = |extra: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      parameters:\n        - {{name: f, in: query, schema: {{type: string}}, x-codegen: {extra}}}\n      responses: {{'200': {{description: ok}}}}\n"
        )
    };
    for (extra, expected) in [
        (
            "{encoding: base64-json, encodes: 7}",
            "at /paths/~1a/get/parameters/0/x-codegen/encodes: `x-codegen.encodes` is a `$ref`",
        ),
        (
            "{encodes: '#/components/schemas/X'}",
            "it needs `x-codegen.encoding` too",
        ),
    ] {
        let loaded = codegen::load::load_bytes(spec(extra).as_bytes(), "t.yaml").unwrap();
        let error = codegen::build_ir(&loaded, &codegen::Options::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{extra}: {error}");
    }
}

#[test]
fn a_ref_in_place_of_properties_or_a_text_is_repaired_with_a_warning() {
    let api = fixture("lenient");
    let warned: Vec<String> = api
        .warnings
        .iter()
        .map(|w| format!("{} {}", w.pointer, w.message))
        .collect();
    assert!(
        warned
            .iter()
            .any(|w| w.contains("/components/schemas/Pet/properties")
                && w.contains("in place of a map of schemas")),
        "{warned:#?}"
    );
    assert!(
        warned
            .iter()
            .any(|w| w.contains("/tags/0/description") && w.contains("in place of a text")),
        "{warned:#?}"
    );
    let note = structure(&api, "Note");
    assert_eq!(field(note, "description").ty, named(&api, "Text"));
    let pet = structure(&api, "Pet");
    assert!(field(pet, "id").required);
    assert_eq!(field(pet, "name").ty, TypeRef::String);
    let search = api
        .operations
        .iter()
        .find(|o| o.method_name == "search_pets")
        .unwrap();
    assert_eq!(search.params.len(), 9);
    assert_eq!(
        search.doc.description.as_deref(),
        Some("Searches pets by nine criteria, all required.")
    );

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lenient.yaml");
    let spec = codegen::load::load_file(&path).unwrap();
    let error = codegen::build_ir(
        &spec,
        &codegen::Options {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(error.to_string().contains("does not allow"), "{error}");
}

#[test]
fn form_bodies_are_models_with_the_encoding_objects_styles() {
    let api = fixture("forms");
    let op = |name: &str| {
        api.operations
            .iter()
            .find(|o| o.method_name == name)
            .unwrap()
    };
    let body = op("post_customers").body.as_ref().unwrap();
    assert_eq!(body.media_type, "application/x-www-form-urlencoded");
    let BodyKind::Form(form) = &body.kind else {
        panic!("{:?}", body.kind)
    };
    assert_eq!(form.ty, named(&api, "PostCustomersRequest"));
    assert_eq!(
        form.styles,
        vec![
            ("metadata".to_owned(), codegen::ir::FormStyle::DeepObject),
            ("expand".to_owned(), codegen::ir::FormStyle::DeepObject),
            (
                "preferred_locales".to_owned(),
                codegen::ir::FormStyle::PipeDelimited
            ),
        ]
    );
    // A component schema by reference is the model too; the body is optional here.
    let body = op("post_checkout_sessions").body.as_ref().unwrap();
    assert!(!body.required);
    assert_eq!(body.kind.typed(), Some(&named(&api, "SessionCreate")));
}

#[test]
fn event_streams_are_typed_beside_json_or_alone() {
    let api = fixture("events");
    let op = |name: &str| {
        api.operations
            .iter()
            .find(|o| o.method_name == name)
            .unwrap()
    };
    let chat = &op("create_chat_completion").success[0];
    assert_eq!(chat.body, ResponseBody::Json(named(&api, "Completion")));
    assert_eq!(chat.events, Some(named(&api, "CompletionChunk")));
    let ticks = &op("stream_ticks").success[0];
    assert!(
        matches!(&ticks.body, ResponseBody::Raw { media_type, .. } if media_type == "text/event-stream")
    );
    assert_eq!(ticks.events, Some(named(&api, "StreamTicksResponse")));
    // Error responses never stream.
    assert!(
        op("create_chat_completion")
            .errors
            .iter()
            .all(|c| c.events.is_none())
    );
}

#[test]
fn multipart_bodies_are_models_whose_binary_properties_are_files() {
    let api = fixture("multipart");
    let op = |name: &str| {
        api.operations
            .iter()
            .find(|o| o.method_name == name)
            .unwrap()
    };
    let body = op("create_file").body.as_ref().unwrap();
    assert_eq!(
        body.kind,
        BodyKind::Multipart(named(&api, "CreateFileRequest"))
    );
    // The component's binary property is a file because a multipart body names it.
    assert_eq!(
        field(structure(&api, "CreateFileRequest"), "file").ty,
        TypeRef::File
    );
    let edit = structure(&api, "CreateImageEditRequest");
    assert_eq!(field(edit, "image").ty, TypeRef::File);
    assert_eq!(
        field(edit, "extra_images").ty,
        TypeRef::Vec(Box::new(TypeRef::File))
    );
    assert_eq!(field(edit, "prompt").ty, TypeRef::String);
    // Elsewhere `format: binary` stays a string (fixtures/byte_streams.yaml has no multipart).
    let streams = fixture("byte_streams");
    assert!(streams.types.iter().all(|t| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().all(|f| f.ty != TypeRef::File),
        _ => true,
    }));
}

/// A method drops its group's name from its `operationId` (`issues/create` → `create`) unless
/// that collides in the group, is a keyword's raw form, or a standard trait's method; the
/// builder types keep the whole name. A spec that tags no operation is grouped by path.
#[test]
fn methods_drop_their_groups_name_and_untagged_specs_group_by_path() {
    let api = fixture("prefixed_names");
    let names: Vec<(&str, &str, &str)> = api
        .operations
        .iter()
        .map(|op| {
            (
                api.groups[op.group].accessor.as_str(),
                op.method_name.as_str(),
                op.builder_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("issues", "list", "IssuesList"),
            ("issues", "create", "IssuesCreate"),
            ("issues", "get", "IssuesGet"),
            ("issues", "issues_delete", "IssuesDelete"),
            ("issues", "update", "IssuesUpdate"),
            ("issues", "delete", "Delete"),
            ("issues", "r#type", "IssuesType"),
            ("issues", "issues_clone", "IssuesClone"),
            ("repos", "issues_search", "IssuesSearch"),
        ]
    );

    let api = fixture("pagination");
    let groups: Vec<(&str, bool)> = api
        .groups
        .iter()
        .map(|g| (g.accessor.as_str(), g.from_path))
        .collect();
    assert_eq!(groups[0], ("items", true), "{groups:?}");
    assert!(groups.iter().all(|(_, from_path)| *from_path));
    assert!(!fixture("operations").groups.iter().any(|g| g.from_path));
}

/// An example that contradicts its own schema is found at generation: a warning once, and the
/// crate's examples test lists it with the reason (so `cargo test` on a fresh crate is green);
/// with `strict` it stays a failure of that test.
#[test]
fn examples_that_contradict_their_schema_are_known_unless_strict() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Widget:\n      type: object\n      required: [id]\n      properties: {id: {type: string}, size: {type: integer}}\n      example: {size: large}\n";
    let generate = |strict| {
        let loaded = codegen::load::load_bytes(spec.as_bytes(), "spec.yaml").unwrap();
        let options = codegen::Options {
            strict,
            formatting: codegen::format::Formatting::Prettyplease,
            ..codegen::Options::default()
        };
        let generated = codegen::generate(loaded, &options).unwrap();
        let test = generated
            .files
            .iter()
            .find(|f| f.path.ends_with("tests/examples.rs"))
            .unwrap()
            .contents
            .clone();
        let warnings: Vec<String> = generated
            .warnings()
            .iter()
            .map(ToString::to_string)
            .collect();
        (test, warnings)
    };
    let (test, warnings) = generate(false);
    assert!(
        test.contains("Exception::Found(\"type-mismatch at /size; missing-required at /id\")"),
        "{test}"
    );
    assert_eq!(
        warnings,
        [
            "at /components/schemas/Widget/example: the example does not fit its schema (type-mismatch at /size; missing-required at /id); the crate's examples test lists it as found at generation"
        ]
    );
    let (test, warnings) = generate(true);
    assert!(!test.contains("Exception::Found(\"type"), "{test}");
    assert!(
        warnings[0].ends_with("the crate's examples test fails on it"),
        "{warnings:?}"
    );
}

/// A schema resolved from several places (here a part of three `allOf`s, and a component of
/// its own) is warned about once, at its place.
#[test]
fn each_warning_is_said_once_per_place() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties: {x: {type: weird}}\n    A: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {a: {type: string}}}]}\n    B: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {b: {type: string}}}]}\n    C: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {c: {type: string}}}]}\n";
    let loaded = codegen::load::load_bytes(spec.as_bytes(), "spec.yaml").unwrap();
    let api = codegen::build_ir(&loaded, &codegen::Options::default()).unwrap();
    let at_x: Vec<String> = api
        .warnings
        .iter()
        .filter(|w| w.pointer == "/components/schemas/Base/properties/x")
        .map(ToString::to_string)
        .collect();
    assert_eq!(at_x.len(), 1, "{:?}", api.warnings);
}
