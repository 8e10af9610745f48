//! `psa-emulator [--listen 127.0.0.1:8080] [--tickets N] [--seed N]`: serves the three PSA APIs and prints
//! the base URL, the demo credentials and the environment variables the psa-clients `from_env()` read.

use std::net::SocketAddr;

use psa_emulator::{Emulator, Options, Vendor};

fn usage() -> ! {
    eprintln!("usage: psa-emulator [--listen 127.0.0.1:8080] [--tickets N] [--seed N]");
    std::process::exit(2)
}

fn parse_args() -> Options {
    let mut options = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
        ..Options::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--listen" => options.listen = value.parse().unwrap_or_else(|_| usage()),
            "--tickets" => options.tickets = value.parse().unwrap_or_else(|_| usage()),
            "--seed" => options.seed = value.parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    options
}

#[tokio::main]
async fn main() {
    let emulator = match Emulator::start_with(parse_args()).await {
        Ok(emulator) => emulator,
        Err(err) => {
            eprintln!("psa-emulator: {err}");
            std::process::exit(1);
        }
    };
    println!("psa-emulator listening on {}", emulator.base_url());
    println!(
        "control API: {}/_emulator/ (reset, faults, journal, ...)\n",
        emulator.base_url()
    );
    let credentials = emulator.credentials();
    println!(
        "ConnectWise: company {} public key {} private key {} client id {}",
        credentials.connectwise.company,
        credentials.connectwise.public_key,
        credentials.connectwise.private_key,
        credentials.connectwise.client_id
    );
    println!(
        "Autotask:    user {} secret {} integration code {} (zone discovery at {})",
        credentials.autotask.username,
        credentials.autotask.secret,
        credentials.autotask.integration_code,
        credentials.autotask.discovery_url
    );
    println!(
        "Kaseya BMS:  tenant {} user {} password {} TOTP seed {} (no-MFA API user {} / {})\n",
        credentials.bms.tenant,
        credentials.bms.username,
        credentials.bms.password,
        credentials.bms.totp_secret,
        credentials.bms.api_username,
        credentials.bms.api_password
    );
    for vendor in [Vendor::ConnectWise, Vendor::Autotask, Vendor::Bms] {
        for (name, value) in emulator.env_vars(vendor) {
            println!("export {name}='{value}'");
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
