//! The sender role across processes: an uploader in another process holds it with a batch
//! out; this one cannot take it, sees the records as `sending`, and once that process is
//! killed takes the role and puts its batch back in the queue.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use ansinh_outbox::{Error, NewRecord, Outbox, State, Summary, new_record_id};
use ansinh_wire::OpeningKey;
use zeroize::Zeroizing;

type R = Result<(), Box<dyn std::error::Error>>;

fn enqueue(outbox: &mut Outbox, n: usize) -> Result<(), Error> {
    for _ in 0..n {
        outbox.enqueue(1_000, |no| {
            Ok::<_, String>(NewRecord {
                record_id: new_record_id(),
                summary: Summary { scheme: "voluntary-si".into(), ..Summary::default() },
                plaintext: Zeroizing::new(format!("record {no}").into_bytes()),
                corrects: None,
            })
        })?;
    }
    Ok(())
}

/// Starts `outbox-sender` on `dir` and returns it with the first line it prints.
fn sender_process(dir: &std::path::Path) -> Result<(Child, String), Box<dyn std::error::Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_outbox-sender"))
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    Ok((child, line.trim().to_string()))
}

#[test]
fn a_killed_sender_process_lets_the_next_sender_recover_its_batch() -> R {
    let dir = tempfile::tempdir()?;
    let key = OpeningKey::generate();
    let mut outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
    enqueue(&mut outbox, 3)?;

    let (mut child, said) = sender_process(dir.path())?;
    assert_eq!(said, "CLAIMED 3");
    assert_eq!(outbox.stats(1_000)?.sending, 3, "the other process's batch is out");
    let refused = outbox.take_sender(1_000).map(|_| ());
    assert!(matches!(refused, Err(Error::SenderBusy)), "{refused:?}");
    assert_eq!(outbox.stats(1_000)?.sending, 3, "and stays out while it lives");

    child.kill()?; // SIGKILL: no destructor runs, the batch is never put back by it.
    child.wait()?;
    let _sender = outbox.take_sender(2_000)?;
    for no in 1..=3 {
        assert_eq!(outbox.get(no)?.state, State::Queued, "receipt {no}");
    }
    assert!(outbox.audit_trail()?.iter().any(|a| a.event == "recovered_in_flight"));
    Ok(())
}

#[test]
fn another_process_cannot_take_the_role_this_one_holds() -> R {
    let dir = tempfile::tempdir()?;
    let key = OpeningKey::generate();
    let mut outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
    enqueue(&mut outbox, 1)?;
    let sender = outbox.take_sender(1_000)?;
    assert_eq!(outbox.claim_batch(&sender, 1_000, 1 << 20)?.len(), 1);

    let (mut child, said) = sender_process(dir.path())?;
    assert_eq!(said, "BUSY");
    assert_eq!(child.wait()?.code(), Some(3));
    assert_eq!(outbox.get(1)?.state, State::Sending, "its refusal recovered nothing");

    // Given up, the role passes to the other process, which recovers the record.
    drop(sender);
    let (mut child, said) = sender_process(dir.path())?;
    assert_eq!(said, "CLAIMED 1");
    child.kill()?;
    child.wait()?;
    Ok(())
}
