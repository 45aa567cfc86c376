//! The README's "Resource bounds" table lists every bound of `pktforge::limits::ALL` with
//! its value, and nothing the code does not have.

#[test]
fn readme_lists_every_bound_with_its_value() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("## Resource bounds")
        .expect("a Resource bounds section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
    for l in pktforge::limits::ALL {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{}` |", l.name)))
            .unwrap_or_else(|| panic!("README has no row for {}", l.name));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(
            cells.get(2),
            Some(&l.value.to_string().as_str()),
            "{}: {row}",
            l.name
        );
        assert_eq!(cells.get(3), Some(&l.unit), "{}: {row}", l.name);
    }
    assert_eq!(
        rows.len(),
        pktforge::limits::ALL.len(),
        "README rows: {rows:#?}"
    );
}
