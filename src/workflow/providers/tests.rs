use super::*;

fn services() -> Catalogue {
    Catalogue::embedded().unwrap()
}

fn problems(text: &str) -> Vec<String> {
    Providers::parse("p.toml", text, &services())
        .unwrap_err()
        .0
        .iter()
        .map(Problem::to_string)
        .collect()
}

const TWO: &str = r#"
[[provider]]
bin = "120340000123"
name_kk = "A"
name_ru = "А"
services = ["housing-queue", "housing-assistance"]
centres = ["160240001988"]
number_prefix = "ZHO"

[[provider]]
bin = "130540000211"
name_kk = "B"
name_ru = "Б"
services = ["housing-queue"]
number_prefix = "ZHO-2"

[[centre]]
bin = "160240001988"
name_kk = "C"
name_ru = "Ц"
"#;

#[test]
fn the_demo_is_the_demo_pki_s_provider_and_centre() {
    let p = Providers::demo(&services()).unwrap();
    assert_eq!(p.providers.len(), 1);
    assert_eq!(p.providers[0].bin, crate::pki::demo::provider_bin());
    assert_eq!(p.providers[0].number_prefix, p.providers[0].bin);
    assert_eq!(p.centres[0].bin, crate::pki::demo::centre_bin());
    assert_eq!(p.providers[0].centres, [p.centres[0].bin.clone()]);
    assert_eq!(p.providers[0].services.len(), 4);
}

#[test]
fn two_providers_parse() {
    let p = Providers::parse("p.toml", TWO, &services()).unwrap();
    assert_eq!(p.providers.len(), 2);
    assert_eq!(p.providers[1].centres, Vec::<String>::new());
    assert_eq!(p.provider("130540000211").unwrap().name_ru, "Б");
    assert!(p.centre("160240001988").is_some());
}

#[test]
fn every_problem_names_file_line_and_field() {
    let bad = TWO
        .replace("\"130540000211\"", "\"130540000212\"")
        .replace("\"housing-assistance\"", "\"housing-assistanse\"")
        .replace("number_prefix = \"ZHO-2\"", "number_prefix = \"ZHO\"")
        .replace(
            "centres = [\"160240001988\"]",
            "centres = [\"160240001989\"]",
        );
    assert_eq!(
        problems(&bad),
        [
            "p.toml:6: provider[1].services: unknown service \"housing-assistanse\" (known: housing-queue, housing-assistance, unemployed-certificate, disabled-children-support)",
            "p.toml:7: provider[1].centres: no [[centre]] with BIN \"160240001989\"",
            "p.toml:11: provider[2].bin: \"130540000212\" is not a BIN: check digit does not match",
            "p.toml:15: provider[2].number_prefix: ZHO is another provider's prefix too (line 8)",
        ]
    );
}

#[test]
fn duplicates_empty_names_and_bad_prefixes() {
    let bad = TWO
        .replace("\"130540000211\"", "\"120340000123\"")
        .replace("name_kk = \"B\"", "name_kk = \" \"")
        .replace("\"ZHO-2\"", "\"zho 2\"");
    assert_eq!(
        problems(&bad),
        [
            "p.toml:11: provider[2].bin: BIN 120340000123 is given twice (first on line 3)",
            "p.toml:12: provider[2].name_kk: must not be empty",
            "p.toml:15: provider[2].number_prefix: \"zho 2\": 1 to 24 of A-Z, 0-9 and inner '-' (it is part of every registration number)",
        ]
    );
}

#[test]
fn syntax_unknown_and_missing_fields() {
    let p = problems(
        "[[provider]]\nbin = \"120340000123\"\nname_kk = \"A\"\nname_ru = \"А\"\nservices = [\"housing-queue\"]\nnumber_prefix = \"X\"\nhead = \"someone\"\n",
    );
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("p.toml:7: unknown field `head`"), "{p:?}");
    let p = problems("[[provider]]\nbin = \"120340000123\"\n");
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("p.toml:1: missing field `name_kk`"),
        "{p:?}"
    );
    let p = problems("[[provider]\n");
    assert!(p[0].starts_with("p.toml:1: "), "{p:?}");
    assert_eq!(
        problems(""),
        ["p.toml:1: no [[provider]]: at least one is needed"]
    );
}

#[test]
fn scope_of_keys() {
    let p = Providers::parse("p.toml", TWO, &services()).unwrap();
    let (a, b) = (&p.providers[0], &p.providers[1]);
    assert!(p.org_of(Role::Head, None).unwrap_err().contains("--org"));
    assert_eq!(
        p.org_of(Role::Head, Some(&b.bin)).unwrap(),
        Org::Provider(b)
    );
    assert!(p.org_of(Role::Provider, Some("160240001988")).is_err());
    let centre = p.org_of(Role::Operator, None).unwrap();
    assert_eq!(centre.bin(), Some("160240001988"));
    assert_eq!(p.org_of(Role::Portal, Some("x")).unwrap(), Org::Any);
    assert!(p.may_see(Org::Provider(a), &a.bin));
    assert!(!p.may_see(Org::Provider(a), &b.bin));
    assert!(p.may_see(centre, &a.bin));
    assert!(!p.may_see(centre, &b.bin));
    assert!(p.may_see(Org::Any, &b.bin));
}

#[test]
fn choosing_the_provider_of_a_submission() {
    let p = Providers::parse("p.toml", TWO, &services()).unwrap();
    assert_eq!(
        p.choose("housing-assistance", None, None).unwrap().bin,
        "120340000123"
    );
    assert!(
        p.choose("housing-queue", None, None)
            .unwrap_err()
            .contains("120340000123, 130540000211")
    );
    assert_eq!(
        p.choose("housing-queue", Some("130540000211"), None)
            .unwrap()
            .bin,
        "130540000211"
    );
    assert_eq!(
        p.choose("housing-queue", None, Some("160240001988"))
            .unwrap()
            .bin,
        "120340000123"
    );
    assert!(
        p.choose("housing-queue", Some("130540000211"), Some("160240001988"))
            .unwrap_err()
            .contains("through this service centre")
    );
    assert!(
        p.choose("housing-assistance", Some("130540000211"), None)
            .unwrap_err()
            .contains("does not provide")
    );
    assert!(p.choose("unemployed-certificate", None, None).is_err());
}
