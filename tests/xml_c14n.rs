//! Canonical XML judged by the W3C recommendations' examples and by
//! libxml2's canonicaliser (`xmllint --c14n`, `--exc-c14n`, `--c14n11`) on
//! namespaces, attribute order, whitespace, comments, character references
//! and Kazakh and Russian text; proptests: generated documents agree with
//! xmllint, and no input makes verification panic or take long.

mod common;

use proptest::prelude::*;
use qoltanba::xmldsig::c14n::{self, C14n, Method};
use qoltanba::xmldsig::tree::Xml;
use std::process::Command;

fn ours(doc: &str, method: Method, comments: bool) -> String {
    let x = Xml::parse(doc).unwrap_or_else(|e| panic!("{e}: {doc}"));
    let c = C14n {
        method,
        comments,
        inclusive_prefixes: Vec::new(),
    };
    String::from_utf8(c14n::to_vec(x.doc.root(), None, &c).unwrap()).unwrap()
}

fn xmllint(doc: &str, flag: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.xml");
    std::fs::write(&f, doc).unwrap();
    let install = "xmllint is installed (scripts/test installs libxml2-utils)";
    let o = common::run_tool(Command::new("xmllint").arg(flag).arg(&f), install);
    String::from_utf8(o.stdout).unwrap()
}

fn judged(doc: &str) {
    for (flag, method) in [
        ("--c14n", Method::Inclusive10),
        ("--exc-c14n", Method::Exclusive),
        ("--c14n11", Method::Inclusive11),
    ] {
        assert_eq!(
            ours(doc, method, true),
            xmllint(doc, flag),
            "{flag} of\n{doc}"
        );
    }
}

#[test]
fn w3c_c14n_examples() {
    // 3.2 Whitespace in document content.
    let doc = "<doc>\n   <clean>   </clean>\n   <dirty>   A   B   </dirty>\n   <mixed>\n      A\n      <clean>   </clean>\n      B\n      <dirty>   A   B   </dirty>\n      C\n   </mixed>\n</doc>";
    assert_eq!(ours(doc, Method::Inclusive10, false), doc);
    // 3.3 Start and end tags (without the DTD's default attributes).
    let doc = "<doc>\n   <e1   />\n   <e2   ></e2>\n   <e3   name = \"elem3\"   id=\"elem3\"   />\n   <e4   name=\"elem4\"   id=\"elem4\"   ></e4>\n   <e5 a:attr=\"out\" b:attr=\"sorted\" attr2=\"all\" attr=\"I'm\"\n      xmlns:b=\"http://www.ietf.org\"\n      xmlns:a=\"http://www.w3.org\"\n      xmlns=\"http://example.org\"/>\n   <e6 xmlns=\"\" xmlns:a=\"http://www.w3.org\">\n      <e7 xmlns=\"http://www.ietf.org\">\n         <e8 xmlns=\"\" xmlns:a=\"http://www.w3.org\">\n            <e9 xmlns=\"\" xmlns:a=\"http://www.ietf.org\"/>\n         </e8>\n      </e7>\n   </e6>\n</doc>";
    let want = "<doc>\n   <e1></e1>\n   <e2></e2>\n   <e3 id=\"elem3\" name=\"elem3\"></e3>\n   <e4 id=\"elem4\" name=\"elem4\"></e4>\n   <e5 xmlns=\"http://example.org\" xmlns:a=\"http://www.w3.org\" xmlns:b=\"http://www.ietf.org\" attr=\"I'm\" attr2=\"all\" b:attr=\"sorted\" a:attr=\"out\"></e5>\n   <e6 xmlns:a=\"http://www.w3.org\">\n      <e7 xmlns=\"http://www.ietf.org\">\n         <e8 xmlns=\"\">\n            <e9 xmlns:a=\"http://www.ietf.org\"></e9>\n         </e8>\n      </e7>\n   </e6>\n</doc>";
    assert_eq!(ours(doc, Method::Inclusive10, false), want);
    // 3.4 Character modifications and character references (no DTD).
    let doc = "<doc>\n   <text>First line&#x0d;&#10;Second line</text>\n   <value>&#x32;</value>\n   <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n   <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n</doc>";
    let want = "<doc>\n   <text>First line&#xD;\nSecond line</text>\n   <value>2</value>\n   <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n   <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n   <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n</doc>";
    assert_eq!(ours(doc, Method::Inclusive10, false), want);
    // 3.6 UTF-8 encoding.
    assert_eq!(
        ours("<doc>&#169;</doc>", Method::Inclusive10, false),
        "<doc>©</doc>"
    );
}

#[test]
fn exclusive_c14n_example_and_prefix_lists() {
    // Exc-C14N 2.2: the same element in two contexts canonicalises the same.
    let a = "<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\"><n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"/></n1:elem2></n0:local>";
    let b = "<n2:pdu xmlns:n1=\"http://example.com\" xmlns:n2=\"http://foo.example\" xml:lang=\"fr\" xml:space=\"retain\"><n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"/></n1:elem2></n2:pdu>";
    let sub = |doc: &str, method: Method, prefixes: Vec<String>| {
        let x = Xml::parse(doc).unwrap();
        let e = x
            .doc
            .descendants()
            .find(|n| n.tag_name().name() == "elem2")
            .unwrap();
        let c = C14n {
            method,
            comments: false,
            inclusive_prefixes: prefixes,
        };
        String::from_utf8(c14n::to_vec(e, None, &c).unwrap()).unwrap()
    };
    let want = "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff></n1:elem2>";
    assert_eq!(sub(a, Method::Exclusive, vec![]), want);
    assert_eq!(sub(b, Method::Exclusive, vec![]), want);
    // Inclusive: the ancestors' namespaces and xml: attributes come along.
    assert_eq!(
        sub(a, Method::Inclusive10, vec![]),
        "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" xmlns:n3=\"ftp://example.org\" xml:lang=\"en\"><n3:stuff></n3:stuff></n1:elem2>"
    );
    assert_eq!(
        sub(b, Method::Inclusive10, vec![]),
        "<n1:elem2 xmlns:n1=\"http://example.net\" xmlns:n2=\"http://foo.example\" xml:lang=\"en\" xml:space=\"retain\"><n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff></n1:elem2>"
    );
    // A prefix list makes an unused ancestor namespace appear.
    assert_eq!(
        sub(b, Method::Exclusive, vec!["n2".into()]),
        "<n1:elem2 xmlns:n1=\"http://example.net\" xmlns:n2=\"http://foo.example\" xml:lang=\"en\"><n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff></n1:elem2>"
    );
}

#[test]
fn libxml2_agrees_on_namespaces_order_whitespace_comments_and_text() {
    for doc in [
        "<?xml version=\"1.0\"?>\n<?pi  data ?><!-- пікір --><ө:құжат xmlns:ө=\"urn:kz\" xmlns=\"urn:d\" b=\"2\" a=\"1\" ө:c=\"3\"><ішкі xmlns=\"\">Сәлем,   әлем!<!-- комментарий --></ішкі><ө:x xmlns:ө=\"urn:kz2\"/></ө:құжат>\n<!-- соңы -->",
        "<r xmlns:a=\"urn:a\" xmlns:b=\"urn:b\"><a:e b:z=\"1\" a:y=\"2\" x=\"3\"><b:f xmlns:a=\"urn:a\"/></a:e><g xmlns=\"urn:g\"><h xmlns=\"urn:g\"><i xmlns=\"\"/></h></g></r>",
        "<doc attr=\"tab&#9;nl&#10;cr&#13;quote&quot;lt&lt;gt&gt;amp&amp;\">text &lt;&gt;&amp; &#13; ]]&gt; Ұлттық Қазақстан</doc>",
        "<a xml:lang=\"kk\" xml:space=\"preserve\"><b xml:lang=\"ru\">  Заявление  </b><![CDATA[<не разметка>]]></a>",
        "<root><empty/><empty></empty><e  a = 'single' /></root>",
    ] {
        judged(doc);
    }
}

/// Generated documents: elements from a few names and namespaces, with
/// attributes, text (Kazakh, Russian, markup characters) and comments.
fn element(depth: u32) -> BoxedStrategy<String> {
    let name = prop_oneof![
        Just("a"),
        Just("p:b"),
        Just("q:c"),
        Just("құжат"),
        Just("d")
    ];
    let text = "[a-zA-Zәғқңөұүһі АБВабв&<>\"'\t\r\n]{0,12}".prop_map(|t| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('\r', "&#13;")
    });
    let attrs = proptest::collection::vec(
        (
            prop_oneof![Just("x"), Just("p:y"), Just("z"), Just("q:w")],
            "[a-zа-я \t&<\"]{0,6}",
        ),
        0..3,
    );
    let decls = proptest::collection::vec(
        prop_oneof![
            Just(" xmlns:p=\"urn:p\""),
            Just(" xmlns:p=\"urn:p2\""),
            Just(" xmlns:q=\"urn:q\""),
            Just(" xmlns=\"urn:d\""),
            Just(" xmlns=\"\""),
        ],
        0..2,
    );
    let leaf = (name.clone(), attrs.clone(), decls.clone(), text.clone())
        .prop_map(|(n, a, d, t)| render(n, &a, &d, &t));
    if depth == 0 {
        return leaf.boxed();
    }
    let kids = proptest::collection::vec(
        prop_oneof![
            element(depth - 1),
            text.clone(),
            Just("<!-- c -->".to_string())
        ],
        0..4,
    );
    prop_oneof![
        leaf,
        (name, attrs, decls, kids).prop_map(|(n, a, d, k)| render(n, &a, &d, &k.concat()))
    ]
    .boxed()
}

fn render(name: &str, attrs: &[(&str, String)], decls: &[&str], inner: &str) -> String {
    let mut seen = Vec::new();
    let mut s = format!("<{name} xmlns:p=\"urn:p\" xmlns:q=\"urn:q\"");
    for d in decls {
        let key = d.split('=').next().unwrap_or("");
        if !seen.contains(&key) && !key.contains(":p") && !key.contains(":q") {
            s.push_str(d);
            seen.push(key);
        }
    }
    let mut names = Vec::new();
    for (k, v) in attrs {
        if !names.contains(k) {
            names.push(*k);
            s.push_str(&format!(
                " {k}=\"{}\"",
                v.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('"', "&quot;")
            ));
        }
    }
    format!("{s}>{inner}</{name}>")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_agree_with_libxml2(doc in element(3)) {
        judged(&doc);
        // Canonical XML is a fixed point.
        let once = ours(&doc, Method::Inclusive10, true);
        prop_assert_eq!(ours(&once, Method::Inclusive10, true), once.clone());
    }

    #[test]
    fn verification_never_panics_and_is_quick(bytes in proptest::collection::vec(any::<u8>(), 0..2048), doc in element(2)) {
        for input in [bytes.clone(), doc.clone().into_bytes(), format!("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">{doc}</ds:Signature>").into_bytes()] {
            let started = std::time::Instant::now();
            let req = qoltanba::xmldsig::XmlVerifyRequest { xml: &input, at: 0, ..Default::default() };
            let v = qoltanba::xmldsig::verify(&req, &qoltanba::pki::TrustStore::new("empty"));
            prop_assert!(v.verdict.code != qoltanba::verdict::Code::Ok);
            prop_assert!(started.elapsed() < std::time::Duration::from_secs(2));
        }
    }
}
