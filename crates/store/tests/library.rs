//! The resource library on every database: the index is written per document and replaced with
//! each version, a two-character query finds the document through the index, false hits of the
//! pairs are removed, old versions stay downloadable byte for byte, another school's documents
//! are never found, and a move or a delete takes effect everywhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::activities::library::{document_text, index_tokens, Folder, Query};
use jiaogong_store::activities::library::{self as lib, NewFile};
use jiaogong_store::StoreError;

async fn add(store: &jiaogong_store::Store, school: &str, folder: Folder, title: &str, text: &str) -> String {
    let search = document_text(title, text);
    let tokens = index_tokens(&search);
    let f = NewFile {
        file_name: &format!("{title}.txt"),
        content_type: "text/plain; charset=utf-8",
        bytes: text.as_bytes(),
        search_text: &search,
        tokens: &tokens,
    };
    let mut tx = store.begin().await.unwrap();
    let id = lib::create(&mut tx, school, folder, title, &f, "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}

fn ids(docs: &[lib::Doc]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

on_every_db!(a_two_character_query_finds_documents_through_the_index, |store, db| {
    let s = common::school(&store, "la").await;
    let other = common::school(&store, "lb").await;
    let law =
        add(&store, &s, Folder::Laws, "中华人民共和国工会法", "第一条 为保障工会在国家政治、经济和社会生活中的地位")
            .await;
    let welfare = add(&store, &s, Folder::Rules, "教职工福利制度", "节日慰问 生日蛋糕 福利费 Budget 2026").await;
    let _foreign = add(&store, &other, Folder::Laws, "工会法", "工会 福利").await;
    assert!(lib::token_count(&store, &law).await.unwrap() > 10);

    let find = |q: &str| Query::parse(q).unwrap();
    assert_eq!(ids(&lib::search(&store, &s, &find("工会"), None, 50).await.unwrap()), vec![law.as_str()]);
    assert_eq!(ids(&lib::search(&store, &s, &find("福利"), None, 50).await.unwrap()), vec![welfare.as_str()]);
    // Latin words, any case; several words must all be there.
    assert_eq!(ids(&lib::search(&store, &s, &find("BUDGET"), None, 50).await.unwrap()), vec![welfare.as_str()]);
    assert!(lib::search(&store, &s, &find("福利 工会法"), None, 50).await.unwrap().is_empty());
    // A folder narrows the search.
    assert!(lib::search(&store, &s, &find("福利"), Some(Folder::Laws), 50).await.unwrap().is_empty());
    // LIKE's wildcards in a query are plain characters.
    assert!(lib::search(&store, &s, &find("工会%"), None, 50).await.unwrap().is_empty());
    let _ = db.name;
});

on_every_db!(false_hits_of_the_pairs_are_removed_and_titles_come_first, |store, db| {
    let s = common::school(&store, "lc").await;
    let pairs_only = add(&store, &s, Folder::Training, "培训资料", "工会的会法").await;
    let in_text = add(&store, &s, Folder::Training, "培训讲义", "学习工会法").await;
    let in_title = add(&store, &s, Folder::Laws, "工会法全文", "总则").await;
    assert!(lib::token_count(&store, &pairs_only).await.unwrap() > 0);
    let found = lib::search(&store, &s, &Query::parse("工会法").unwrap(), None, 50).await.unwrap();
    assert_eq!(ids(&found), vec![in_title.as_str(), in_text.as_str()]);
    // A limit is a limit.
    assert_eq!(lib::search(&store, &s, &Query::parse("工会").unwrap(), None, 1).await.unwrap().len(), 1);
    let _ = db.name;
});

on_every_db!(a_new_version_replaces_the_index_and_old_versions_stay, |store, db| {
    let s = common::school(&store, "ld").await;
    let other = common::school(&store, "le").await;
    let id = add(&store, &s, Folder::Forms, "困难补助申请表", "旧表格 福利").await;
    let doc = lib::get(&store, &s, &id).await.unwrap();
    assert_eq!(doc.version, 1);

    let text2 = "新表格 慰问金";
    let search = document_text("困难补助申请表", text2);
    let tokens = index_tokens(&search);
    let f = NewFile {
        file_name: "申请表v2.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: text2.as_bytes(),
        search_text: &search,
        tokens: &tokens,
    };
    let mut tx = store.begin().await.unwrap();
    assert_eq!(lib::add_version(&mut tx, &s, &id, 1, &f, "chair").await.unwrap(), 2);
    jiaogong_store::commit(tx).await.unwrap();
    // An upload made against version 1 after version 2 exists is refused and writes nothing.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(lib::add_version(&mut tx, &s, &id, 1, &f, "chair").await, Err(StoreError::Conflict(_))));
    drop(tx);
    // Another school's id is not found.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(lib::add_version(&mut tx, &other, &id, 2, &f, "x").await, Err(StoreError::NotFound)));
    drop(tx);

    let doc = lib::get(&store, &s, &id).await.unwrap();
    assert_eq!((doc.version, doc.file_name.as_str()), (2, "申请表v2.txt"));
    let versions = lib::versions(&store, &s, &id).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![2, 1]);
    let (v1, bytes) = lib::version_file(&store, &s, &id, 1).await.unwrap();
    assert_eq!((v1.file_name.as_str(), bytes.as_slice()), ("困难补助申请表.txt", "旧表格 福利".as_bytes()));
    assert!(matches!(lib::version_file(&store, &other, &id, 1).await, Err(StoreError::NotFound)));
    // The index follows the current version only.
    assert!(lib::search(&store, &s, &Query::parse("福利").unwrap(), None, 50).await.unwrap().is_empty());
    assert_eq!(
        ids(&lib::search(&store, &s, &Query::parse("慰问").unwrap(), None, 50).await.unwrap()),
        vec![id.as_str()]
    );
    // A second app server on the same database searches the same index.
    let second = db.second_server().await;
    assert_eq!(
        ids(&lib::search(&second, &s, &Query::parse("慰问").unwrap(), None, 50).await.unwrap()),
        vec![id.as_str()]
    );
    second.close().await;
});

on_every_db!(move_and_delete_are_scoped_and_delete_removes_the_index, |store, db| {
    let s = common::school(&store, "lf").await;
    let other = common::school(&store, "lg").await;
    let id = add(&store, &s, Folder::Training, "教师法", "教师的权利和义务").await;
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(lib::move_to(&mut tx, &other, &id, Folder::Laws).await, Err(StoreError::NotFound)));
    lib::move_to(&mut tx, &s, &id, Folder::Laws).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(lib::get(&store, &s, &id).await.unwrap().folder_kind(), Some(Folder::Laws));
    assert_eq!(lib::list(&store, &s, Some(Folder::Laws)).await.unwrap().len(), 1);
    assert!(lib::list(&store, &s, Some(Folder::Training)).await.unwrap().is_empty());
    assert!(lib::list(&store, &other, None).await.unwrap().is_empty());

    let mut tx = store.begin().await.unwrap();
    assert!(matches!(lib::delete(&mut tx, &other, &id).await, Err(StoreError::NotFound)));
    lib::delete(&mut tx, &s, &id).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(lib::token_count(&store, &id).await.unwrap(), 0);
    assert!(matches!(lib::get(&store, &s, &id).await, Err(StoreError::NotFound)));
    assert!(lib::versions(&store, &s, &id).await.unwrap().is_empty());
    assert!(lib::search(&store, &s, &Query::parse("教师").unwrap(), None, 50).await.unwrap().is_empty());
    let _ = db.name;
});
