//! `$metadata` (CSDL, OData v3, namespace `StandardODATA`) and the service document, generated from the
//! same schema the simulator serves, so they describe exactly what it answers.

use std::fmt::Write;

use crate::schema::{ENUMS, EntityType, Field, Kind, Schema, Ty};

fn edm(ty: &Ty) -> &'static str {
    match ty {
        Ty::Key | Ty::Ref(_) => "Edm.Guid",
        Ty::Str | Ty::Enum(_) | Ty::Composite => "Edm.String",
        Ty::Bool => "Edm.Boolean",
        Ty::Double => "Edm.Double",
        Ty::Int64 => "Edm.Int64",
        Ty::Date => "Edm.DateTime",
        Ty::Table(_) | Ty::Binary => "Edm.String",
    }
}

fn properties(out: &mut String, owner: &str, fields: &[Field]) {
    for f in fields {
        match &f.ty {
            Ty::Table(_) => {
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}" Type="Collection(StandardODATA.{owner}_{}_RowType)" Nullable="true"/>"#,
                    f.name, f.name
                );
            }
            Ty::Composite => {
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}" Type="Edm.String" Nullable="true"/>"#,
                    f.name
                );
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}_Type" Type="Edm.String" Nullable="true"/>"#,
                    f.name
                );
            }
            Ty::Binary => {
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}_Base64Data" Type="Edm.Binary" Nullable="true"/>"#,
                    f.name
                );
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}_Type" Type="Edm.String" Nullable="true"/>"#,
                    f.name
                );
            }
            Ty::Enum(e) => {
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}" Type="StandardODATA.Enum_{e}" Nullable="true"/>"#,
                    f.name
                );
            }
            other => {
                let _ = writeln!(
                    out,
                    r#"<Property Name="{}" Type="{}" Nullable="true"/>"#,
                    f.wire_name(),
                    edm(other)
                );
            }
        }
    }
}

fn navigation(out: &mut String, set: &EntityType) {
    for f in &set.fields {
        if let Ty::Ref(target) = f.ty {
            let _ = writeln!(
                out,
                r#"<NavigationProperty Name="{}" Relationship="StandardODATA.{}_{}" FromRole="Begin" ToRole="End"/>"#,
                f.name, set.name, f.name
            );
            let _ = target;
        }
    }
}

fn keys(set: &EntityType) -> Vec<&str> {
    match &set.kind {
        Kind::Catalog | Kind::Document | Kind::Chart => vec!["Ref_Key"],
        Kind::Section { .. } => vec!["Ref_Key", "LineNumber"],
        Kind::RecordSets { .. } => vec!["Recorder", "Recorder_Type"],
        Kind::InfoRecords | Kind::AccumRecords { .. } => {
            vec!["Recorder", "Recorder_Type", "LineNumber"]
        }
        Kind::InfoRegister => set
            .fields
            .iter()
            .take(set.fields.len().saturating_sub(1))
            .map(|f| {
                if matches!(f.ty, Ty::Ref(_)) {
                    ""
                } else {
                    f.name.as_str()
                }
            })
            .filter(|n| !n.is_empty())
            .collect(),
    }
}

pub fn csdl() -> String {
    let schema = Schema::get();
    let mut out = String::new();
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>
<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">
<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" m:DataServiceVersion="3.0">
<Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" Namespace="StandardODATA">
"#);
    for set in &schema.sets {
        let _ = writeln!(out, r#"<EntityType Name="{}">"#, set.name);
        out.push_str("<Key>");
        for k in keys(set) {
            let _ = write!(out, r#"<PropertyRef Name="{k}"/>"#);
        }
        out.push_str("</Key>\n");
        properties(&mut out, &set.name, &set.fields);
        navigation(&mut out, set);
        out.push_str("</EntityType>\n");
        for f in &set.fields {
            if let Ty::Table(rows) = &f.ty {
                let _ = writeln!(
                    out,
                    r#"<ComplexType Name="{}_{}_RowType">"#,
                    set.name, f.name
                );
                properties(&mut out, &set.name, rows);
                out.push_str("</ComplexType>\n");
            }
        }
        if let (Some(reg), Kind::AccumRecords { balance }) = (&set.register, &set.kind) {
            let base = set.name.trim_end_matches("_RecordType");
            let mut kinds = vec![("Turnover", vec!["Turnover"])];
            if *balance {
                kinds[0].1.extend(["Receipt", "Expense"]);
                kinds.push(("Balance", vec!["Balance"]));
                kinds.push((
                    "BalanceAndTurnover",
                    vec![
                        "OpeningBalance",
                        "Turnover",
                        "Receipt",
                        "Expense",
                        "ClosingBalance",
                    ],
                ));
            }
            for (kind, suffixes) in kinds {
                let _ = writeln!(out, r#"<ComplexType Name="{base}_{kind}">"#);
                let dims: Vec<Field> = reg.dims.iter().map(|&d| set.fields[d].clone()).collect();
                properties(&mut out, base, &dims);
                for &r in &reg.resources {
                    for s in &suffixes {
                        let _ = writeln!(
                            out,
                            r#"<Property Name="{}{s}" Type="Edm.Double" Nullable="true"/>"#,
                            set.fields[r].name
                        );
                    }
                }
                out.push_str("</ComplexType>\n");
            }
        }
    }
    for (name, values) in ENUMS {
        let _ = writeln!(
            out,
            r#"<EnumType Name="Enum_{name}" UnderlyingType="Edm.Int32">"#
        );
        for (i, v) in values.iter().enumerate() {
            let _ = writeln!(out, r#"<Member Name="{v}" Value="{i}"/>"#);
        }
        out.push_str("</EnumType>\n");
    }
    out.push_str(r#"<EntityContainer Name="InfoBase" m:IsDefaultEntityContainer="true">"#);
    out.push('\n');
    for set in &schema.sets {
        let _ = writeln!(
            out,
            r#"<EntitySet Name="{0}" EntityType="StandardODATA.{0}"/>"#,
            set.name
        );
    }
    for set in &schema.sets {
        let (bound, funcs): (&str, Vec<(&str, &str)>) = match &set.kind {
            Kind::AccumRecords { balance: true } => (
                set.name.trim_end_matches("_RecordType"),
                vec![
                    ("Balance", "Balance"),
                    ("Turnovers", "Turnover"),
                    ("BalanceAndTurnovers", "BalanceAndTurnover"),
                ],
            ),
            Kind::AccumRecords { balance: false } => (
                set.name.trim_end_matches("_RecordType"),
                vec![("Turnovers", "Turnover")],
            ),
            Kind::InfoRecords => (
                set.name.as_str(),
                vec![("SliceLast", ""), ("SliceFirst", "")],
            ),
            _ => continue,
        };
        for (func, result) in funcs {
            let ret = if result.is_empty() {
                format!("Collection(StandardODATA.{})", set.name)
            } else {
                format!("Collection(StandardODATA.{bound}_{result})")
            };
            let params: &[&str] = match func {
                "Balance" | "SliceLast" | "SliceFirst" => &["Period", "Condition", "Dimensions"],
                _ => &["StartPeriod", "EndPeriod", "Condition", "Dimensions"],
            };
            let _ = writeln!(
                out,
                r#"<FunctionImport Name="{func}" ReturnType="{ret}" IsBindable="true" IsSideEffecting="false" m:HttpMethod="GET">"#
            );
            let _ = writeln!(
                out,
                r#"<Parameter Name="bindingParameter" Type="StandardODATA.{bound}"/>"#
            );
            for p in params {
                let t = if p.ends_with("Period") {
                    "Edm.DateTime"
                } else {
                    "Edm.String"
                };
                let _ = writeln!(out, r#"<Parameter Name="{p}" Type="{t}"/>"#);
            }
            out.push_str("</FunctionImport>\n");
        }
    }
    out.push_str("</EntityContainer>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n");
    out
}

/// The service document: the published entity sets.
pub fn service_document(root: &str) -> String {
    let value: Vec<serde_json::Value> = Schema::get()
        .sets
        .iter()
        .map(|s| serde_json::json!({"name": s.name, "url": s.name}))
        .collect();
    serde_json::json!({"odata.metadata": format!("{root}$metadata"), "value": value}).to_string()
}
