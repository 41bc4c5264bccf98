//! The timeline the processes of the test share: a file each process appends one line
//! to per event, stamped with [`clock::now`](super::clock::now) in nanoseconds.
//!
//! - `start <identity> <t>`: the first action as leader of a term, at `t`;
//! - `end <identity> <last> <noticed>`: the term is over; its last action was at
//!   `last`, the process noticed the end at `noticed`.
//!
//! An action is stamped *before* the process checks that it still leads, so a stamp
//! never lies after the moment the process knew itself to be leader. A line is written
//! with one `write` on a file opened for appending, so lines never interleave.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Appends events to the timeline.
pub struct Writer {
    file: File,
    identity: String,
}

impl Writer {
    /// The writer of process `identity` on the timeline at `path`.
    pub fn open(path: &Path, identity: &str) -> Self {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        Self {
            file,
            identity: identity.into(),
        }
    }

    /// A term's first action was at `at`.
    pub fn started(&mut self, at: u64) {
        self.line(&format!("start {} {at}\n", self.identity));
    }

    /// A term ended: last action at `last`, noticed at `noticed`.
    pub fn ended(&mut self, last: u64, noticed: u64) {
        self.line(&format!("end {} {last} {noticed}\n", self.identity));
    }

    fn line(&mut self, line: &str) {
        self.file.write_all(line.as_bytes()).unwrap();
    }
}

/// One term of one process, in nanoseconds of the shared clock.
#[derive(Debug, Clone)]
pub struct Interval {
    /// The process.
    pub who: String,
    /// Its first action as leader.
    pub start: u64,
    /// Its last action as leader (`None`: not over yet).
    pub end: Option<u64>,
    /// When it noticed the end (for a killed process: when it was killed).
    pub noticed: Option<u64>,
}

impl Interval {
    /// Whether `self` and `other` (of another process) overlap; open intervals last
    /// until `now`.
    pub fn overlaps(&self, other: &Interval, now: u64) -> bool {
        self.who != other.who
            && self.start <= other.end.unwrap_or(now)
            && other.start <= self.end.unwrap_or(now)
    }
}

/// The intervals of the timeline at `path`, in order of their start (complete lines
/// only: a process may be writing the last one).
pub fn read(path: &Path) -> Vec<Interval> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let complete = text.rfind('\n').map_or("", |end| &text[..=end]);
    let mut intervals: Vec<Interval> = Vec::new();
    for line in complete.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let number = |n: usize| -> u64 { fields[n].parse().unwrap() };
        match fields.as_slice() {
            ["start", who, _] => intervals.push(Interval {
                who: (*who).to_owned(),
                start: number(2),
                end: None,
                noticed: None,
            }),
            ["end", who, _, _] => {
                let open = intervals
                    .iter_mut()
                    .rfind(|i| i.who == *who && i.end.is_none())
                    .unwrap_or_else(|| panic!("{line:?} ends no term"));
                open.end = Some(number(2));
                open.noticed = Some(number(3));
            }
            _ => panic!("malformed timeline line {line:?}"),
        }
    }
    intervals.sort_by_key(|i| i.start);
    intervals
}

/// Ends the open interval of `who`, if any, at `at` (the process was killed then).
pub fn end_open(intervals: &mut [Interval], who: &str, at: u64) {
    for interval in intervals.iter_mut() {
        if interval.who == who && interval.end.is_none() {
            interval.end = Some(at);
            interval.noticed = Some(at);
        }
    }
}
