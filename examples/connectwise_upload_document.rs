//! Uploads a file to a ConnectWise PSA ticket (`POST /system/documents`, multipart) and downloads it back.
//!
//! Without credentials it runs against a psa-emulator started in-process (its demo tenant) and uses the first
//! ticket there. For your tenant it needs PSA_CW_SITE, PSA_CW_COMPANY, PSA_CW_PUBLIC_KEY, PSA_CW_PRIVATE_KEY and
//! PSA_CW_CLIENT_ID, plus PSA_CW_TICKET (the ticket id to attach to); optionally PSA_CW_FILE (a path; default: a
//! small generated text file).

use futures_util::TryStreamExt;
use psa_clients::connectwise::types::DocumentFormData;
use psa_clients::upload::FilePart;

#[path = "support/mod.rs"]
mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    // Your tenant when its variables are set; otherwise the psa-emulator's demo tenant, started in-process.
    let connected = support::connectwise().await?;
    println!("calling {}", connected.label());
    let cw = &connected.client;

    let ticket: i32 = match std::env::var("PSA_CW_TICKET") {
        Ok(id) => id.parse()?,
        // The emulator's first ticket (on a tenant, say which one: this example writes to it).
        Err(_) if connected.emulator.is_some() => cw
            .service()
            .get_service_tickets()
            .page_size(1)
            .send()
            .await?
            .into_inner()
            .first()
            .and_then(|t| t.id)
            .ok_or("the emulator has no ticket")?,
        Err(_) => {
            return Err("set PSA_CW_TICKET to the id of the ticket to attach the file to".into())
        }
    };

    let file = match std::env::var("PSA_CW_FILE") {
        Ok(path) => {
            let name = std::path::Path::new(&path)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("upload.bin")
                .to_owned();
            // Say what it is when you know; the server shows and serves it with this type.
            FilePart::new(name, "application/octet-stream", std::fs::read(&path)?)
        }
        Err(_) => FilePart::new(
            "psa-clients-example.txt",
            "text/plain",
            format!("Attached by psa-clients to ticket #{ticket}.\n").into_bytes(),
        ),
    };
    let size = file.len();

    // The file is the multipart file part; every field set here is one more text part.
    let fields = DocumentFormData {
        record_type: Some("Ticket".into()),
        record_id: Some(ticket),
        title: Some(format!("Example upload ({size} bytes)")),
        ..Default::default()
    };
    let document = cw
        .system()
        .post_system_documents(file, fields)
        .await?
        .into_inner();
    let id = document.id.ok_or("the server answered no document id")?;
    println!(
        "uploaded document #{id} {:?} ({} bytes) to ticket #{ticket}",
        document.file_name.unwrap_or_default(),
        document.size.unwrap_or_default()
    );

    // Downloads are bytes (a stream), never a JSON decode.
    let download = cw
        .system()
        .get_system_documents_by_id_download()
        .id(id)
        .send()
        .await?;
    let media = download
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_owned();
    let bytes: Vec<u8> = download
        .into_inner_stream()
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await?;
    println!("downloaded it back: {} bytes of {media}", bytes.len());
    Ok(())
}
