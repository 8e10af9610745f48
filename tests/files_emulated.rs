//! Files through the generated clients, against the psa-emulator: uploads are `multipart/form-data` with a real
//! file part (bytes, file name, content type) and the form's other fields, and downloads are the bytes, never a
//! JSON decode. The emulator reads the upload with a multipart parser and serves the stored bytes back with the
//! media type and file name they came with, so a round trip checks the wire in both directions.
#![cfg(all(feature = "bms", feature = "connectwise-system"))]

mod common;

use futures_util::TryStreamExt;
use psa_clients::connectwise::types::DocumentFormData;
use psa_clients::upload::FilePart;
use psa_emulator::Vendor;

use common::emulated;

/// Not UTF-8, not JSON: a decode of it as either would fail or change it.
const PNG_ISH: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, b'{', b'"',
];

async fn collect(stream: progenitor_client::ByteStream) -> Vec<u8> {
    stream
        .into_inner()
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await
        .expect("the body streams")
}

#[tokio::test]
async fn a_connectwise_ticket_document_is_a_multipart_upload_and_downloads_as_the_same_bytes() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let ticket = emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets")
        .first()
        .and_then(|t| t["id"].as_i64())
        .expect("a seeded ticket");

    let fields = DocumentFormData {
        record_type: Some("Ticket".into()),
        record_id: Some(i32::try_from(ticket).expect("a small id")),
        title: Some("Printer photo".into()),
        private_flag: Some(true),
        ..Default::default()
    };
    let document = cw
        .system()
        .post_system_documents(
            FilePart::new("printer-3.png", "image/png", PNG_ISH.to_vec()),
            fields,
        )
        .await
        .expect("the upload is accepted")
        .into_inner();
    assert_eq!(document.title.as_deref(), Some("Printer photo"));
    assert_eq!(document.file_name.as_deref(), Some("printer-3.png"));
    assert_eq!(document.size, Some(PNG_ISH.len() as i32));
    assert_eq!(document.image_flag, Some(true));
    assert_eq!(document.public_flag, Some(false));
    let id = document.id.expect("the document's id");

    // On the wire: one multipart request, the file last, every set field a text part under its wire name.
    let upload = emulator
        .control()
        .journal()
        .into_iter()
        .find(|e| e.method == "POST" && e.path.ends_with("/system/documents"))
        .expect("the upload reached the emulator");
    let content_type = upload.header("content-type").expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    for part in [
        "name=\"recordType\"\r\n\r\nTicket\r\n".to_owned(),
        format!("name=\"recordId\"\r\n\r\n{ticket}\r\n"),
        "name=\"title\"\r\n\r\nPrinter photo\r\n".to_owned(),
        "name=\"privateFlag\"\r\n\r\ntrue\r\n".to_owned(),
        "name=\"file\"; filename=\"printer-3.png\"\r\nContent-Type: image/png\r\n".to_owned(),
    ] {
        assert!(upload.body.contains(&part), "{part:?} in {:?}", upload.body);
    }
    assert!(
        !upload.body.contains("name=\"url\""),
        "unset fields are not sent"
    );

    let download = cw
        .system()
        .get_system_documents_by_id_download()
        .id(id)
        .send()
        .await
        .expect("the download");
    assert_eq!(
        download
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(collect(download.into_inner()).await, PNG_ISH);
}

#[tokio::test]
async fn a_connectwise_upload_for_a_ticket_that_does_not_exist_is_refused() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let fields = DocumentFormData {
        record_type: Some("Ticket".into()),
        record_id: Some(999_999),
        ..Default::default()
    };
    let error = cw
        .system()
        .post_system_documents(FilePart::new("a.txt", "text/plain", b"x".to_vec()), fields)
        .await
        .expect_err("no such ticket");
    assert!(
        matches!(&error, psa_clients::Error::Vendor { status, .. } if status.as_u16() == 400),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_bms_attachment_uploads_as_a_file_part_and_downloads_as_bytes() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let ticket = emulator
        .control()
        .records(Vendor::Bms, "tickets")
        .first()
        .and_then(|t| t["id"].as_i64())
        .expect("a seeded ticket");
    // Module 2 is BMS's service desk (tickets).
    let uploaded = bms
        .attachments_post(
            2,
            ticket,
            FilePart::new("invoice.pdf", "application/pdf", PNG_ISH.to_vec()),
        )
        .await
        .expect("the upload is accepted")
        .into_inner();
    let attachment = uploaded
        .result
        .unwrap_or_default()
        .into_iter()
        .next()
        .expect("the stored attachment");
    assert_eq!(
        attachment.original_file_name.as_deref(),
        Some("invoice.pdf")
    );
    let attachment_id = attachment.id.expect("an id");

    let upload = emulator
        .control()
        .journal()
        .into_iter()
        .find(|e| e.method == "POST" && e.path.contains("/v2/system/attachments/"))
        .expect("the upload reached the emulator");
    assert!(upload.body.contains(
        "name=\"formFile\"; filename=\"invoice.pdf\"\r\nContent-Type: application/pdf\r\n"
    ));

    let download = bms
        .download_attachment()
        .module_id(2)
        .object_id(i32::try_from(ticket).expect("a small id"))
        .attachment_id(attachment_id)
        .send()
        .await
        .expect("the download");
    assert_eq!(
        download
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(collect(download.into_inner()).await, PNG_ISH);
}
