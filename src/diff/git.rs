//! Files of a git revision, read without checking it out (`shipshape diff --base REF`).
//!
//! The `git` binary lists the revision's tree (`git ls-tree -r -z`) and reads the blobs in
//! one `git cat-file --batch`; the files are written to a temporary folder that lives as
//! long as the [`Snapshot`]. Paths are relative to the folder git runs in, so a workspace
//! may be a subfolder of its repository.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// Files of one revision, in a temporary folder removed on drop.
#[derive(Debug)]
pub struct Snapshot {
    dir: tempfile::TempDir,
    /// The revision as the user named it.
    pub reference: String,
    /// The commit it resolved to.
    pub commit: String,
    /// How many files were written.
    pub files: usize,
}

impl Snapshot {
    /// The folder holding the files, laid out as in the repository relative to where git ran.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("--literal-pathspecs")
        .arg("-C")
        .arg(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    command
}

fn spawn_error(err: std::io::Error) -> anyhow::Error {
    if err.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "--base needs the `git` program, which is not installed or not on PATH; install git or leave out --base"
        )
    } else {
        anyhow::anyhow!("cannot run git: {err}")
    }
}

/// Runs git and returns its standard output; a failure carries git's message.
fn output(command: &mut Command) -> anyhow::Result<Result<Vec<u8>, String>> {
    let out = command.output().map_err(spawn_error)?;
    if out.status.success() {
        Ok(Ok(out.stdout))
    } else {
        Ok(Err(String::from_utf8_lossy(&out.stderr).trim().to_string()))
    }
}

/// Resolves `reference` to a commit in the repository that holds `dir`.
pub fn resolve(dir: &Path, reference: &str) -> anyhow::Result<String> {
    if reference.is_empty() || reference.starts_with('-') {
        bail!(
            "`{reference}` is not a revision; --base takes a branch, tag or commit, e.g. `--base origin/main`"
        );
    }
    let shown = dir.display();
    if let Err(message) = output(git(dir).args(["rev-parse", "--show-toplevel"]))? {
        let why = message.lines().last().unwrap_or_default().to_string();
        bail!(
            "{shown}: not in a git repository ({why}); --base REF reads REF from git: run shipshape inside a git working tree, or compare two folders with `shipshape diff OLD NEW`"
        );
    }
    let spec = format!("{reference}^{{commit}}");
    match output(git(dir).args([
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &spec,
    ]))? {
        Ok(stdout) => Ok(String::from_utf8_lossy(&stdout).trim().to_string()),
        Err(_) => bail!(
            "`{reference}` is not a commit of the repository at {shown} (unknown revision); name a branch, tag or commit, e.g. `--base main` or `--base HEAD~1` (run `git fetch` first for a remote branch)"
        ),
    }
}

/// One blob of the tree.
struct Entry {
    id: String,
    path: PathBuf,
}

/// Writes the files of `commit` under `paths` (relative to `dir`, the folder git runs in) to
/// a temporary folder, at the same paths relative to it. Symbolic links and submodules are
/// left out. A path the revision does not hold writes nothing.
pub fn snapshot(
    dir: &Path,
    reference: &str,
    commit: &str,
    paths: &[&str],
) -> anyhow::Result<Snapshot> {
    let mut list = git(dir);
    list.args(["ls-tree", "-r", "-z", commit, "--"]).args(paths);
    let listing = match output(&mut list)? {
        Ok(stdout) => stdout,
        Err(message) => bail!(
            "git cannot list `{reference}` at {}: {message}",
            dir.display()
        ),
    };
    let mut entries = Vec::new();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            bail!("unexpected output of git ls-tree: {record}");
        };
        let mut fields = meta.split(' ');
        let (mode, kind, id) = (fields.next(), fields.next(), fields.next());
        if kind != Some("blob") || mode == Some("120000") {
            continue;
        }
        let path = PathBuf::from(path);
        if path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            // Outside the folder git runs in: not part of what was asked for.
            continue;
        }
        entries.push(Entry {
            id: id.unwrap_or_default().to_string(),
            path,
        });
    }
    let dir_out = tempfile::Builder::new()
        .prefix("shipshape-base-")
        .tempdir()
        .context("cannot create a temporary folder for the --base revision")?;
    write_blobs(dir, dir_out.path(), &entries)?;
    Ok(Snapshot {
        dir: dir_out,
        reference: reference.to_string(),
        commit: commit.to_string(),
        files: entries.len(),
    })
}

/// Reads the blobs with one `git cat-file --batch` and writes them under `root`.
fn write_blobs(dir: &Path, root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let mut stdin = child.stdin.take().context("git cat-file: no stdin")?;
    let ids: String = entries.iter().map(|e| format!("{}\n", e.id)).collect();
    let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().context("git cat-file: no stdout")?);
    for entry in entries {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let size: usize = match header.trim_end().split(' ').collect::<Vec<_>>()[..] {
            [_, "blob", size] => size.parse()?,
            _ => bail!(
                "git cat-file: unexpected answer for {}: {}",
                entry.path.display(),
                header.trim_end()
            ),
        };
        let mut content = vec![0u8; size];
        reader.read_exact(&mut content)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        let path = root.join(&entry.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
        }
        std::fs::write(&path, &content)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("git cat-file: the writer failed"))??;
    let status = child.wait()?;
    if !status.success() {
        let mut message = String::new();
        if let Some(mut err) = child.stderr.take() {
            err.read_to_string(&mut message)?;
        }
        bail!("git cat-file failed: {}", message.trim());
    }
    Ok(())
}
