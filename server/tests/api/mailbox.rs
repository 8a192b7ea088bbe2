//! A real SMTP listener that captures what the server delivers, so tests read passcodes from
//! delivered mail (never from the database). It speaks just enough SMTP for a client: EHLO/HELO,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: Vec<String>,
    pub data: String,
}

impl Delivered {
    pub fn subject(&self) -> String {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned()
    }

    /// The passcode in the message, if it has one (in English or French).
    pub fn code(&self) -> Option<String> {
        let at = ["Your code: ", "Votre code : "]
            .iter()
            .find_map(|label| Some(self.data.find(label)? + label.len()))?;
        let code: String = self.data[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!code.is_empty()).then_some(code)
    }
}

#[derive(Debug, Default)]
struct Inner {
    messages: Vec<Delivered>,
    read: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Mailbox {
    address: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    arrived: Arc<Notify>,
    /// While set, every connection is turned away with `421`, as by a mail server that is down.
    down: Arc<std::sync::atomic::AtomicBool>,
    /// Sessions the client ended with `QUIT`.
    quits: Arc<std::sync::atomic::AtomicUsize>,
}

impl Mailbox {
    pub async fn start() -> Mailbox {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let mailbox = Mailbox {
            address: listener.local_addr().expect("address"),
            inner: Arc::default(),
            arrived: Arc::default(),
            down: Arc::default(),
            quits: Arc::default(),
        };
        let serving = mailbox.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let mailbox = serving.clone();
                tokio::spawn(async move {
                    let _ = mailbox.session(socket).await;
                });
            }
        });
        mailbox
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return write.write_all(b"421 capture is down\r\n").await;
        }
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 capture ESMTP\r\n").await?;
        let mut to = Vec::new();
        while let Some(line) = lines.next_line().await? {
            // A server going down closes the connections it holds too (clients pool them).
            if self.down.load(std::sync::atomic::Ordering::SeqCst) {
                return write.write_all(b"421 capture is down\r\n").await;
            }
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250 capture\r\n"
            } else if upper.starts_with("MAIL FROM") || upper.starts_with("RSET") {
                to.clear();
                b"250 OK\r\n"
            } else if upper.starts_with("RCPT TO") {
                let addr = line[8..].trim().trim_start_matches(':').trim();
                to.push(addr.trim_matches(['<', '>']).to_owned());
                b"250 OK\r\n"
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                loop {
                    let Some(l) = lines.next_line().await? else {
                        // Cut off before the final ".": as with any SMTP server, nothing was
                        // delivered (a client killed mid-message sends it again later).
                        return Ok(());
                    };
                    if l == "." {
                        break;
                    }
                    // SMTP dot-stuffing: a leading ".." stands for ".".
                    data.push_str(if l.starts_with("..") { &l[1..] } else { &l });
                    data.push('\n');
                }
                self.inner
                    .lock()
                    .expect("mailbox lock")
                    .messages
                    .push(Delivered {
                        to: std::mem::take(&mut to),
                        data,
                    });
                self.arrived.notify_waiters();
                b"250 queued\r\n"
            } else if upper == "QUIT" {
                self.quits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                b"250 OK\r\n"
            };
            write.write_all(reply).await?;
        }
        Ok(())
    }

    /// How many sessions the client has ended with `QUIT` (a pooled client ends one when it
    /// does not keep the connection).
    pub fn quits(&self) -> usize {
        self.quits.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Turns the mail server away (`true`) or back on.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }

    /// Every message delivered so far.
    pub fn all(&self) -> Vec<Delivered> {
        self.inner.lock().expect("mailbox lock").messages.clone()
    }

    /// The next message to `to` not yet read by this method; waits up to 10 s.
    pub async fn next_for(&self, to: &str) -> Delivered {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let waiting = self.arrived.notified();
            {
                let mut inner = self.inner.lock().expect("mailbox lock");
                let seen = inner.read.get(to).copied().unwrap_or(0);
                let found = inner
                    .messages
                    .iter()
                    .filter(|m| m.to.iter().any(|t| t == to))
                    .nth(seen)
                    .cloned();
                if let Some(message) = found {
                    inner.read.insert(to.to_owned(), seen + 1);
                    return message;
                }
            }
            if tokio::time::timeout_at(deadline, waiting).await.is_err() {
                panic!("no mail to {to} within 10 s");
            }
        }
    }

    /// The passcode in the next message to `to`.
    pub async fn code_for(&self, to: &str) -> String {
        let message = self.next_for(to).await;
        message
            .code()
            .unwrap_or_else(|| panic!("no code in {:?}", message.subject()))
    }

    /// The passcode in the next message to `to` that has one, passing over the notices before
    /// it (a method added, a password changed).
    pub async fn code_past_notices(&self, to: &str) -> String {
        loop {
            if let Some(code) = self.next_for(to).await.code() {
                return code;
            }
        }
    }

    /// Messages to `to` delivered so far.
    pub fn count_for(&self, to: &str) -> usize {
        self.all()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .count()
    }

    /// Waits until the outbox has had time to deliver, then says how many messages went to `to`.
    pub async fn settled_count_for(&self, to: &str) -> usize {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        self.count_for(to)
    }
}
