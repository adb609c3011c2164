use super::*;
use proptest::prelude::*;

fn toks(s: &str) -> Vec<String> {
    index_tokens(s).into_iter().collect()
}

#[test]
fn chinese_text_is_indexed_as_overlapping_pairs() {
    assert_eq!(toks("工会法"), vec!["会法", "工会"]);
    let t = index_tokens("中华人民共和国工会法");
    for w in ["中华", "华人", "人民", "民共", "共和", "和国", "国工", "工会", "会法"] {
        assert!(t.contains(w), "{w}");
    }
    assert_eq!(t.len(), 9);
}

#[test]
fn latin_words_and_numbers_are_lowercase_words() {
    assert_eq!(toks("Teachers Law 2021"), vec!["2021", "law", "teachers"]);
    // Full-width letters and digits are the same words.
    assert_eq!(toks("ＰＤＦ２０２１"), vec!["pdf2021"]);
    assert_eq!(toks("第3条"), vec!["3"]);
}

#[test]
fn a_lone_chinese_character_yields_no_token() {
    assert!(toks("会").is_empty());
    assert_eq!(toks("工会、福利。会"), vec!["工会", "福利"]);
}

#[test]
fn punctuation_and_spaces_end_a_pair_except_spaces_between_chinese() {
    // PDF text often spaces Chinese characters; a line break may fall inside a word.
    assert_eq!(normalize("工 会\n法"), "工会法");
    assert_eq!(normalize("工会  Law\t2021"), "工会 law 2021");
    assert!(!index_tokens("工会，福利").contains("会福"));
}

#[test]
fn title_and_text_make_no_pair_across_their_border() {
    let t = index_tokens(&document_text("教师法", "工会"));
    assert!(t.contains("师法") && t.contains("工会") && !t.contains("法工"));
}

#[test]
fn a_two_character_query_is_one_token() {
    let q = Query::parse("工会").unwrap();
    assert_eq!(q.tokens, vec!["工会"]);
    assert_eq!(q.terms, vec!["工会"]);
    let q = Query::parse(" 福利 ").unwrap();
    assert_eq!(q.tokens, vec!["福利"]);
}

#[test]
fn query_words_are_split_at_spaces_and_all_must_match() {
    let q = Query::parse("工会法　PDF").unwrap();
    assert_eq!(q.terms, vec!["工会法", "pdf"]);
    assert_eq!(q.tokens, vec!["工会", "会法", "pdf"]);
    assert!(q.matches(&normalize("《中华人民共和国工会法》 的 PDF 版")));
    assert!(!q.matches(&normalize("工会 会法 PDF")));
}

#[test]
fn false_hits_of_the_index_are_removed_by_the_substring_check() {
    let q = Query::parse("工会法").unwrap();
    let doc = normalize("工会的会法");
    let t = index_tokens(&doc);
    assert!(q.tokens.iter().all(|x| t.contains(x)), "both pairs are in the index");
    assert!(!q.matches(&doc), "but the word is not in the text");
}

#[test]
fn a_query_word_of_one_character_is_refused() {
    assert_eq!(Query::parse("会"), Err(LibraryError::QueryTooShort));
    assert_eq!(Query::parse("工会 法"), Err(LibraryError::QueryTooShort));
    assert_eq!(Query::parse("   "), Err(LibraryError::QueryTooShort));
    assert_eq!(Query::parse("，，"), Err(LibraryError::QueryTooShort));
    assert_eq!(Query::parse(&"工".repeat(MAX_QUERY_CHARS + 1)), Err(LibraryError::QueryTooLong));
}

#[test]
fn a_query_looks_up_at_most_eight_tokens() {
    let q = Query::parse("中华人民共和国工会法第一章总则").unwrap();
    assert_eq!(q.tokens.len(), MAX_QUERY_TOKENS);
    assert!(q.matches(&normalize("中华人民共和国工会法第一章总则 第一条")));
}

#[test]
fn file_type_is_read_from_the_content_not_the_name() {
    assert_eq!(file_kind("工会法.pdf", b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
    // An executable renamed .pdf is refused.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.resize(512, 0);
    assert_eq!(file_kind("工会法.pdf", &exe), Err(LibraryError::Type));
    assert_eq!(file_kind("a.pdf", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), Err(LibraryError::Type));
    // Text is text whatever its name; a PNG is not a library file.
    assert_eq!(file_kind("说明.txt", "工会福利".as_bytes()), Ok(FileKind::Text));
    assert_eq!(file_kind("x.pdf", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(LibraryError::Type));
    // A bare zip is a Word or Excel file only when named so.
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08\x00\0\0mimetype";
    assert_eq!(file_kind("a.docx", zip), Ok(FileKind::Docx));
    assert_eq!(file_kind("a.zip", zip), Err(LibraryError::Type));
}

#[test]
fn file_must_not_be_empty_or_over_twenty_megabytes() {
    assert_eq!(file_kind("a.txt", b""), Err(LibraryError::Empty));
    let mut big = b"%PDF-1.4".to_vec();
    big.resize(MAX_FILE_BYTES + 1, b' ');
    assert_eq!(file_kind("a.pdf", &big), Err(LibraryError::TooLarge));
    big.truncate(MAX_FILE_BYTES);
    assert_eq!(file_kind("a.pdf", &big), Ok(FileKind::Pdf));
}

#[test]
fn folder_codes_round_trip_and_title_defaults_to_the_file_name() {
    for f in Folder::ALL {
        assert_eq!(Folder::parse(f.code()), Some(f));
    }
    assert_eq!(Folder::parse("secret"), None);
    assert_eq!(title_from_file_name("C:\\docs\\中华人民共和国工会法.docx"), "中华人民共和国工会法");
    assert_eq!(title(" 工会法 "), Ok("工会法".to_string()));
    assert_eq!(title(""), Err(LibraryError::Title));
    for k in FileKind::ALL {
        assert_eq!(FileKind::from_content_type(k.content_type()), Some(k));
    }
}

proptest! {
    #[test]
    fn tokenizer_never_panics_and_tokens_are_pairs_or_words(s in "\\PC{0,200}") {
        for t in index_tokens(&s) {
            let n = t.chars().count();
            prop_assert!((1..=MAX_WORD_CHARS).contains(&n));
            if t.chars().any(is_cjk) {
                prop_assert_eq!(n, 2);
            }
        }
        let _ = Query::parse(&s);
    }

    #[test]
    fn every_query_finds_the_text_it_was_taken_from(s in "[工会福利法教师 a-zA-Z0-9，]{2,40}") {
        if let Ok(q) = Query::parse(&s) {
            let doc = normalize(&s);
            let t = index_tokens(&doc);
            prop_assert!(q.tokens.iter().all(|x| t.contains(x)));
            prop_assert!(q.matches(&doc));
        }
    }
}
