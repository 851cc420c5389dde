//! Uploaded files on a real S3-compatible server (the one `.ci/services` starts; skipped
//! when `RENKE_TEST_S3_ENDPOINT` is unset): stored once per content, streamed back in
//! chunks, swept when no row names them.

use chrono::Duration;
use futures_util::StreamExt;
use renke_domain::clock::Clock;
use renke_domain::file::FileKind;
use renke_store::files::{FileStore, PART_BYTES, S3Options, Staged, Upload};
use renke_store::spool::{SpoolWriter, Spooled};
use renke_store::testing::{TestDb, s3_store};
use renke_store::{Db, on_db};

fn upload(content: &Spooled) -> Upload<'_> {
    Upload {
        name: "材料.pdf",
        kind: FileKind::Pdf,
        content,
        org_id: 1,
        uploaded_by: None,
    }
}

/// `bytes` received as an upload is: chunk by chunk, past memory into a temporary file.
async fn received(bytes: &[u8]) -> Spooled {
    let mut w = SpoolWriter::keeping(64 * 1024);
    for chunk in bytes.chunks(256 * 1024) {
        w.write(chunk).await.unwrap();
    }
    w.finish().await.unwrap()
}

async fn insert_row(db: &Db, s: &Staged) -> i64 {
    on_db!(db, |p| sqlx::query_scalar(Staged::INSERT)
        .bind(&s.name)
        .bind(s.kind.as_str())
        .bind(s.size)
        .bind(&s.sha256)
        .bind(s.org_id)
        .bind(s.uploaded_by)
        // Younger than the sweep below: a row nothing lists yet is kept until then.
        .bind(Clock::System.now() + Duration::days(1))
        .fetch_one(p)
        .await)
    .unwrap()
}

#[tokio::test]
async fn files_round_trip_through_a_real_s3_server() {
    let Some(store) = s3_store() else {
        eprintln!("RENKE_TEST_S3_ENDPOINT unset: S3 test skipped");
        return;
    };
    store.ping().await.expect("the S3 server answers");
    let t = TestDb::sqlite().await.unwrap();
    let db = &t.db;
    // Organisations for the rows' foreign key.
    crate::fixtures::tree(db).await;

    // 12 MB, received into a temporary file: it goes up in three parts (a multipart upload,
    // whose ETag S3 gives as `"<md5>-<parts>"`), not as one buffer.
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let content = received(&big).await;
    assert!(!content.in_memory());
    let kept = store
        .stage(&upload(&content), Clock::System.now())
        .await
        .unwrap();
    assert_eq!(kept.size, big.len() as i64);
    let meta = store.object_meta(&kept.sha256).await.unwrap();
    assert_eq!(meta.size, big.len() as u64);
    let e_tag = meta.e_tag.unwrap_or_default();
    assert!(
        e_tag.trim_matches('"').ends_with("-3"),
        "three parts of {PART_BYTES} bytes at most: {e_tag}"
    );
    let orphan = store
        .stage(
            &upload(&Spooled::from(&b"%PDF-1.7 refused write"[..])),
            Clock::System.now(),
        )
        .await
        .unwrap();
    let id = insert_row(db, &kept).await;
    let file = renke_store::files::get(db, id).await.unwrap();

    let mut chunks = 0;
    let mut back = Vec::new();
    let mut stream = store.stream(&file).await.unwrap();
    while let Some(chunk) = stream.next().await {
        back.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert!(
        back == big,
        "the same bytes come back ({} of {})",
        back.len(),
        big.len()
    );
    assert!(
        chunks > 1,
        "streamed in chunks, not as one buffer: {chunks}"
    );

    // Everything counts as old: the unnamed object goes, the named one stays.
    let swept = store
        .sweep(db, Clock::System.now() + Duration::hours(2))
        .await
        .unwrap();
    let gone: Vec<&str> = swept.objects.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert!(gone[0].ends_with(&orphan.sha256), "{gone:?}");
    let mut kept_bytes = 0;
    let mut stream = store.stream(&file).await.unwrap();
    while let Some(chunk) = stream.next().await {
        kept_bytes += chunk.unwrap().len();
    }
    assert_eq!(kept_bytes, big.len(), "the named file is kept");
    t.cleanup().await;
}

/// A bucket that does not exist, or a server that does not answer, fails the store's check
/// (what `/readyz` reports) instead of passing for an empty store.
#[tokio::test]
async fn a_missing_bucket_or_server_fails_the_check() {
    let Ok(endpoint) = std::env::var(renke_store::testing::S3_ENDPOINT_ENV) else {
        eprintln!("RENKE_TEST_S3_ENDPOINT unset: S3 test skipped");
        return;
    };
    let options = |endpoint: &str, bucket: &str| S3Options {
        bucket: bucket.into(),
        endpoint: Some(endpoint.into()),
        region: "us-east-1".into(),
        access_key_id: Some("renke-test".into()),
        secret_access_key: Some("renke-test".into()),
        prefix: None,
    };
    let missing = FileStore::s3(&options(&endpoint, "no-such-bucket-renke")).unwrap();
    assert!(
        missing.ping().await.is_err(),
        "a missing bucket is not ready"
    );
    let down = FileStore::s3(&options("http://127.0.0.1:1", "renke-test")).unwrap();
    assert!(
        down.ping().await.is_err(),
        "an unreachable server is not ready"
    );
}
