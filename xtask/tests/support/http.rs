//! A scripted HTTP server on loopback, for downloads: each connection gets the next answer,
//! written as raw bytes, so a test can send what a broken or hostile server sends (a 2 GiB
//! `Content-Length`, an endless body, a login page) and see what the client made of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// How one request is answered.
pub enum Answer {
    /// A complete response: status line, headers, body (`Content-Length` added).
    Body {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// `304 Not Modified` if the request carried `If-None-Match: etag`, else the body with it.
    Conditional { etag: String, body: Vec<u8> },
    /// Headers announcing `announced` bytes, then zeros until the client hangs up (or `sent`).
    Endless { announced: Option<u64>, sent: u64 },
}

pub struct Server {
    pub url: String,
    /// The head (request line and headers) of every request received, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serves `answers`, one per connection, in order; the last one is repeated.
    pub fn start(path: &str, answers: Vec<Answer>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}{path}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for (served, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let _ = serve(stream, &answers[served.min(answers.len() - 1)], &seen);
            }
        });
        Server { url, requests }
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, answer: &Answer, seen: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    seen.lock().unwrap().push(head.clone());
    let mut stream = stream;
    match answer {
        Answer::Body {
            status,
            headers,
            body,
        } => respond(&mut stream, status, headers, body),
        Answer::Conditional { etag, body } => {
            let matches = head.lines().any(|line| {
                line.split_once(':').is_some_and(|(name, value)| {
                    name.eq_ignore_ascii_case("if-none-match") && value.trim() == etag
                })
            });
            if matches {
                stream.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n")
            } else {
                respond(&mut stream, "200 OK", &[("ETag", etag.clone())], body)
            }
        }
        Answer::Endless { announced, sent } => {
            let length = announced
                .map(|n| format!("Content-Length: {n}\r\n"))
                .unwrap_or_default();
            stream.write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\n{length}Connection: close\r\n\r\n").as_bytes())?;
            let chunk = vec![b'#'; 64 * 1024];
            let mut written = 0;
            while written < *sent {
                stream.write_all(&chunk)?;
                written += chunk.len() as u64;
            }
            Ok(())
        }
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)
}
