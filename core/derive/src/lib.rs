//! `#[derive(Shape)]`: implements `iamport_subscribe::shape::Shape` for a struct with named
//! fields, from its Rust declaration: field names, doc comments, the serde attributes that change
//! how a field is read (`rename`, `flatten`, `default`) and each field's own shape.
//!
//! `Timestamp` (core's alias of `i64` for unix seconds) is recognised by name, since an alias has
//! no trait implementation of its own; every other field type must implement `Shape`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{
    Attribute, Data, DeriveInput, Expr, ExprLit, Fields, GenericArgument, Lit, Meta, PathArguments,
    Type, parse_macro_input,
};

#[proc_macro_derive(Shape)]
pub fn derive_shape(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "derive(Shape) takes no generic types",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            input,
            "derive(Shape) is for structs",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            input,
            "derive(Shape) is for structs with named fields",
        ));
    };
    let ident = &input.ident;
    let name = ident.to_string();
    let doc = doc_of(&input.attrs);
    let mut fields = Vec::new();
    for field in &named.named {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        let rust = field_ident.to_string();
        let rust = rust.strip_prefix("r#").unwrap_or(&rust).to_owned();
        let serde = SerdeField::of(&field.attrs)?;
        if serde.skip {
            continue;
        }
        let wire = serde.rename.unwrap_or_else(|| rust.clone());
        let flatten = serde.flatten;
        let default = serde.default;
        let doc = doc_of(&field.attrs);
        let ty = shape_of(&field.ty);
        fields.push(quote! {
            ::iamport_subscribe::shape::Field {
                name: #rust,
                wire: #wire,
                flatten: #flatten,
                default: #default,
                doc: #doc,
                ty: #ty,
            }
        });
    }
    Ok(quote! {
        #[automatically_derived]
        impl ::iamport_subscribe::shape::Shape for #ident {
            const SHAPE: &'static ::iamport_subscribe::shape::Ty =
                &::iamport_subscribe::shape::Ty::Struct(&::iamport_subscribe::shape::Struct {
                    name: #name,
                    doc: #doc,
                    fields: &[#(#fields),*],
                });
        }
    })
}

/// The shape expression of a field type: `Option`/`Vec` unwrapped here so that a `Timestamp`
/// inside them is found, everything else through its `Shape` implementation.
fn shape_of(ty: &Type) -> TokenStream2 {
    if let Type::Path(path) = ty {
        if let Some(last) = path.path.segments.last() {
            let inner = match &last.arguments {
                PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
                    match args.args.first() {
                        Some(GenericArgument::Type(inner)) => Some(inner),
                        _ => None,
                    }
                }
                _ => None,
            };
            match (last.ident.to_string().as_str(), inner) {
                ("Timestamp", None) => return quote! { &::iamport_subscribe::shape::Ty::Timestamp },
                ("Option", Some(inner)) => {
                    let inner = shape_of(inner);
                    return quote! { &::iamport_subscribe::shape::Ty::Option(#inner) };
                }
                ("Vec", Some(inner)) => {
                    let inner = shape_of(inner);
                    return quote! { &::iamport_subscribe::shape::Ty::Vec(#inner) };
                }
                _ => {}
            }
        }
    }
    quote! { <#ty as ::iamport_subscribe::shape::Shape>::SHAPE }
}

/// The doc comment, one leading space of each line removed.
fn doc_of(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect();
    lines.join("\n").trim().to_owned()
}

/// What the serde attributes of a field say about reading it.
#[derive(Default)]
struct SerdeField {
    rename: Option<String>,
    flatten: bool,
    default: bool,
    skip: bool,
}

impl SerdeField {
    fn of(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = SerdeField::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match key.as_str() {
                    "flatten" => out.flatten = true,
                    "skip" | "skip_deserializing" => out.skip = true,
                    "default" => {
                        out.default = true;
                        if meta.input.peek(syn::Token![=]) {
                            meta.value()?.parse::<Expr>()?;
                        }
                    }
                    "rename" if meta.input.peek(syn::Token![=]) => {
                        out.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                    }
                    "rename" => meta.parse_nested_meta(|inner| {
                        let value = inner.value()?.parse::<syn::LitStr>()?.value();
                        if inner.path.is_ident("deserialize") {
                            out.rename = Some(value);
                        }
                        Ok(())
                    })?,
                    _ => {
                        // Anything else (`skip_serializing_if = "..."`, `with = "..."`, ...) does
                        // not change which key is read: consume it.
                        if meta.input.peek(syn::Token![=]) {
                            meta.value()?.parse::<Expr>()?;
                        } else if meta.input.peek(syn::token::Paren) {
                            meta.parse_nested_meta(|inner| {
                                if inner.input.peek(syn::Token![=]) {
                                    inner.value()?.parse::<Expr>()?;
                                }
                                Ok(())
                            })?;
                        }
                    }
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}
