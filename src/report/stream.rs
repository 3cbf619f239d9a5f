//! Writing a report as its parts arrive.
//!
//! A long `validate` run produces its results file by file. A [`Sink`] takes them in file
//! order. When every requested format can be written part by part (text and GitHub), each
//! part is written at once and dropped, so memory does not grow with the number of files.
//! When a format needs the whole report (JSON, SARIF, JUnit and Markdown open with totals or
//! list every resource), the parts are collected and the report is emitted at the end. Both
//! ways print the same bytes.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::emit::{Format, OutputArgs, RenderOptions, stdout_wants_color};
use super::text::{TextWriter, by_file};
use super::{Report, Summary, github};
use crate::fsutil::{AtomicFile, write_stdout};

/// Where the parts of a report go: written as they come, or collected (see the module
/// documentation).
#[derive(Debug)]
pub struct Sink(Mode);

#[derive(Debug)]
enum Mode {
    Stream {
        command: String,
        summary: Summary,
        outputs: Vec<Output>,
    },
    Collect {
        report: Report,
        output: OutputArgs,
        /// Whether a text output wants the files' sources for its excerpts.
        excerpts: bool,
    },
}

/// One format being written part by part.
#[derive(Debug)]
struct Output {
    writer: Writer,
    dest: Dest,
    buf: String,
}

#[derive(Debug)]
enum Writer {
    Text(TextWriter),
    Github,
}

#[derive(Debug)]
enum Dest {
    /// Standard output; `closed` once its reader went away (`| head`).
    Stdout { closed: bool },
    File {
        file: AtomicFile,
        path: PathBuf,
        format: Format,
    },
}

impl Sink {
    /// A sink for a report like `shell` (its command and rule documentation; its findings
    /// and resources are ignored) in the formats `output` asks for. Checks the outputs first
    /// ([`OutputArgs::check`]); files being streamed are created now, in place only when
    /// [`Sink::finish`] succeeds.
    pub fn new(shell: Report, output: &OutputArgs) -> anyhow::Result<Sink> {
        output.check()?;
        let streams = output
            .formats
            .iter()
            .all(|f| matches!(f.format, Format::Text | Format::Github));
        if !streams || output.formats.is_empty() {
            let report = Report {
                command: shell.command,
                rules: shell.rules,
                ..Report::default()
            };
            let excerpts = output.formats.is_empty()
                || output.formats.iter().any(|f| f.format == Format::Text);
            return Ok(Sink(Mode::Collect {
                report,
                output: output.clone(),
                excerpts,
            }));
        }
        let mut outputs = Vec::new();
        for spec in &output.formats {
            let color = spec.path.is_none() && spec.format == Format::Text && stdout_wants_color();
            let options = RenderOptions {
                color,
                verbose: output.verbose,
            };
            let writer = match spec.format {
                Format::Text => Writer::Text(TextWriter::new(&options)),
                _ => Writer::Github,
            };
            let dest = match &spec.path {
                None => Dest::Stdout { closed: false },
                Some(path) => Dest::File {
                    file: AtomicFile::create(path).with_context(|| {
                        format!(
                            "cannot write {} output to {}",
                            spec.format.name(),
                            path.display()
                        )
                    })?,
                    path: path.clone(),
                    format: spec.format,
                },
            };
            outputs.push(Output {
                writer,
                dest,
                buf: String::new(),
            });
        }
        Ok(Sink(Mode::Stream {
            command: shell.command,
            summary: Summary::default(),
            outputs,
        }))
    }

    /// Whether an output lists valid resources (the formats that are written whole, and
    /// verbose text); when none does, the resources need only be counted
    /// ([`Report::unlisted_valid`]).
    pub fn lists_valid_resources(&self) -> bool {
        match &self.0 {
            Mode::Collect { .. } => true,
            Mode::Stream { outputs, .. } => outputs
                .iter()
                .any(|o| matches!(&o.writer, Writer::Text(w) if w.lists_valid())),
        }
    }

    /// Takes the results of the next file (parts must come in file order; a part's own
    /// findings and resources are sorted here).
    pub fn add(&mut self, mut part: Report) -> anyhow::Result<()> {
        match &mut self.0 {
            Mode::Collect {
                report, excerpts, ..
            } => {
                if !*excerpts {
                    part.sources.clear();
                }
                report.append(part);
                Ok(())
            }
            Mode::Stream {
                summary, outputs, ..
            } => {
                part.sort();
                summary.add(&part.summary());
                for output in outputs {
                    output.buf.clear();
                    match &mut output.writer {
                        Writer::Text(w) => w.part(&part, by_file(&part), &mut output.buf),
                        Writer::Github => github::part(&part, &mut output.buf),
                    }
                    output.write()?;
                }
                Ok(())
            }
        }
    }

    /// Writes what ends each format (summaries; the whole report when collecting), moves
    /// the files into place, and returns the counts of the run.
    pub fn finish(self) -> anyhow::Result<Summary> {
        match self.0 {
            Mode::Collect {
                mut report, output, ..
            } => {
                report.sort();
                output.emit(&report)?;
                Ok(report.summary())
            }
            Mode::Stream {
                command,
                summary,
                outputs,
            } => {
                for mut output in outputs {
                    output.buf.clear();
                    match &mut output.writer {
                        Writer::Text(w) => w.finish(&command, &summary, &mut output.buf),
                        Writer::Github => output.buf.push_str(&summary.closing_lines(&command)),
                    }
                    output.write()?;
                    if let Dest::File { file, path, format } = output.dest {
                        file.commit().with_context(|| {
                            format!(
                                "cannot write {} output to {}",
                                format.name(),
                                path.display()
                            )
                        })?;
                    }
                }
                Ok(summary)
            }
        }
    }
}

impl Output {
    /// Writes the buffer to the destination.
    fn write(&mut self) -> anyhow::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        match &mut self.dest {
            Dest::Stdout { closed: true } => Ok(()),
            Dest::Stdout { closed } => {
                *closed = !write_stdout(self.buf.as_bytes())?;
                Ok(())
            }
            Dest::File { file, path, format } => {
                file.write_all(self.buf.as_bytes()).with_context(|| {
                    format!(
                        "cannot write {} output to {}",
                        format.name(),
                        path.display()
                    )
                })
            }
        }
    }
}
