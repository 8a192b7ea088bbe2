//! The mail sink: a minimal SMTP listener on 127.0.0.1 that the server delivers to.
//!
//! The benchmark reads passcodes from delivered mail, as a person would, so every code it uses
//! went through the outbox, the worker and SMTP. The sink speaks just enough SMTP for lettre
//! (greeting, `250` to every command, `354` after `DATA`, `221` to `QUIT`) and keeps only what
//! the scenarios need: the passcodes per recipient, in the order they arrived, and a count of
//! every delivered message (so a scenario can wait until the outbox has drained).
//!
//! It acknowledges a message's content at once (`TCP_QUICKACK`). lettre writes the content and
//! the closing `.` in two writes on a socket without `TCP_NODELAY`, so Nagle's algorithm holds
//! the `.` until the content is acknowledged, and a receiver that delays its ACKs (Linux: up to
//! 40 ms) stalls every message by that much: measured with a plain listener, the server's one
//! mail worker then delivers about 22 messages a second. Acknowledging at once keeps that
//! interplay out of the other figures; the README reports it separately.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;

const CODE_MARKER: &str = "Your code: ";

#[derive(Debug, Default)]
struct Shared {
    codes: Mutex<HashMap<String, VecDeque<String>>>,
    delivered: AtomicU64,
    arrived: Notify,
}

/// A running sink; cheap to clone.
#[derive(Debug, Clone)]
pub struct Sink {
    shared: Arc<Shared>,
}

impl Sink {
    /// Listens on `address` and serves every connection until the process ends.
    pub async fn start(address: SocketAddr) -> std::io::Result<Sink> {
        let listener = TcpListener::bind(address).await?;
        let sink = Sink {
            shared: Arc::default(),
        };
        let shared = sink.shared.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ = session(socket, &shared).await;
                });
            }
        });
        Ok(sink)
    }

    /// Messages delivered so far (with or without a passcode).
    pub fn delivered(&self) -> u64 {
        self.shared.delivered.load(Ordering::Relaxed)
    }

    /// The oldest unread passcode sent to `to`, waiting up to `timeout` for one to arrive.
    pub async fn code_for(&self, to: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let to = to.to_ascii_lowercase();
        loop {
            let arrived = self.shared.arrived.notified();
            if let Some(code) = self.lock().get_mut(&to).and_then(VecDeque::pop_front) {
                return Some(code);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return None;
            }
        }
    }

    /// Every unread passcode sent to `to`, oldest first.
    pub fn take_codes(&self, to: &str) -> VecDeque<String> {
        self.lock()
            .remove(&to.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// Waits until at least `count` messages were delivered, or until none arrived for `stall`.
    /// Returns the number delivered.
    pub async fn wait_delivered(&self, count: u64, stall: Duration) -> u64 {
        let mut last = self.delivered();
        let mut last_change = Instant::now();
        loop {
            let now = self.delivered();
            if now >= count {
                return now;
            }
            if now != last {
                last = now;
                last_change = Instant::now();
            } else if last_change.elapsed() >= stall {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<String>>> {
        self.shared
            .codes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

async fn session(socket: TcpStream, shared: &Shared) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    let mut line = String::new();
    let mut recipients: Vec<String> = Vec::new();
    write.write_all(b"220 sspr-bench sink\r\n").await?;
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        match verb.as_str() {
            "RCPT" => {
                let address = line
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map_or("", |(address, _)| address);
                recipients.push(address.to_ascii_lowercase());
                write.write_all(b"250 OK\r\n").await?;
            }
            "MAIL" | "RSET" => {
                recipients.clear();
                write.write_all(b"250 OK\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut code = None;
                loop {
                    line.clear();
                    // When this line makes the reader read the socket again, acknowledge what
                    // arrives at once rather than after the delayed-ACK timer (once a read,
                    // not once a line: a message is tens of lines, mostly in one read).
                    if !read.buffer().contains(&b'\n') {
                        let _ =
                            socket2::SockRef::from(read.get_ref().as_ref()).set_tcp_quickack(true);
                    }
                    if read.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    let text = line.trim_end_matches(['\r', '\n']);
                    if text == "." {
                        break;
                    }
                    if code.is_none() {
                        code = passcode_in(text);
                    }
                }
                if let Some(code) = code {
                    let mut codes = shared.codes.lock().unwrap_or_else(PoisonError::into_inner);
                    for to in recipients.drain(..) {
                        codes.entry(to).or_default().push_back(code.clone());
                    }
                }
                shared.delivered.fetch_add(1, Ordering::Relaxed);
                shared.arrived.notify_waiters();
                write.write_all(b"250 queued\r\n").await?;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"250 sspr-bench\r\n").await?,
        }
    }
}

/// The passcode on a line of the plain-text part (`Your code: 12345678`), if there is one.
fn passcode_in(line: &str) -> Option<String> {
    let at = line.find(CODE_MARKER)? + CODE_MARKER.len();
    let code: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!code.is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passcode_is_read_from_its_line_only() {
        assert_eq!(
            passcode_in("Your code: 12345678").as_deref(),
            Some("12345678")
        );
        assert_eq!(passcode_in("Your code: 0042\r").as_deref(), Some("0042"));
        assert_eq!(passcode_in("Your code:"), None);
        assert_eq!(passcode_in("Use this code to reset your password."), None);
    }

    #[tokio::test]
    async fn a_delivered_message_yields_its_code_to_its_recipient() {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = probe.local_addr().expect("address");
        drop(probe);
        let sink = Sink::start(address).await.expect("sink");
        let socket = TcpStream::connect(address).await.expect("connect");
        let (read, mut write) = socket.into_split();
        let mut read = BufReader::new(read);
        let mut reply = String::new();
        for command in [
            "EHLO test\r\n",
            "MAIL FROM:<no-reply@x.example>\r\n",
            "RCPT TO:<Someone@X.example>\r\n",
            "DATA\r\n",
            "Subject: code\r\n\r\nYour code: 31415926\r\n.\r\n",
            "QUIT\r\n",
        ] {
            if command.starts_with("EHLO") {
                read.read_line(&mut reply).await.expect("greeting");
            }
            write.write_all(command.as_bytes()).await.expect("write");
            reply.clear();
            read.read_line(&mut reply).await.expect("reply");
        }
        assert!(reply.starts_with("221"), "{reply}");
        let code = sink
            .code_for("someone@x.example", Duration::from_secs(2))
            .await;
        assert_eq!(code.as_deref(), Some("31415926"));
        assert_eq!(sink.delivered(), 1);
        assert!(sink.take_codes("someone@x.example").is_empty());
    }
}
