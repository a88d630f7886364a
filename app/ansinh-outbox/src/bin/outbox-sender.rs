//! `outbox-sender DIR`: takes the sender role of the outbox in DIR, claims every record due,
//! prints `CLAIMED N`, then holds the role with the batch out until its standard input closes
//! or it is killed. Prints `BUSY` (exit status 3) when another process is the sender. The
//! sender tests run it as the other process: an uploader that dies mid-batch.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use ansinh_outbox::{Error, Outbox};
use ansinh_wire::OpeningKey;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = std::env::args().nth(1) else {
        return Err("usage: outbox-sender DIR".into());
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    // Claiming needs no key: records are sealed already.
    let mut outbox =
        Outbox::open(&Path::new(&dir).join("outbox.sqlite"), OpeningKey::generate().sealing_key())?;
    let sender = match outbox.take_sender(now) {
        Ok(sender) => sender,
        Err(Error::SenderBusy) => {
            println!("BUSY");
            std::process::exit(3);
        }
        Err(e) => return Err(e.into()),
    };
    let batch = outbox.claim_batch(&sender, now, usize::MAX)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "CLAIMED {}", batch.len())?;
    out.flush()?;
    // Until the test kills it; a test that fails first closes the pipe, and this ends.
    std::io::stdin().read_to_end(&mut Vec::new())?;
    Ok(())
}
