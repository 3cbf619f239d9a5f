//! Writing files safely: the one atomic write every command uses, the all-or-nothing write
//! of a set of files ([`WriteSet`], for `render --out` and `golden accept`), the lock that
//! makes concurrent runs take turns ([`Lock`]), and the one write to standard output.
//!
//! Every temporary file is named `.shipshape-<pid>-<n>.tmp` (backups of replaced files
//! `.shipshape-<pid>-<n>.old`) in the folder of the file it becomes: short whatever the
//! target's name, so a name that fits the file system can always be written, and
//! recognisable, so that the next run removes what a killed run left behind.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The prefix of every temporary and backup file.
const TEMP_PREFIX: &str = ".shipshape-";
/// The suffix of a file being written.
const TEMP_SUFFIX: &str = ".tmp";
/// The suffix of the backup of a file being replaced or removed.
const BACKUP_SUFFIX: &str = ".old";

/// Numbers this process's temporary names, so two writers in one process never collide.
static NEXT_TEMP: AtomicU32 = AtomicU32::new(0);

/// A fresh temporary name in `dir` with `suffix`.
fn temp_path(dir: &Path, suffix: &str) -> PathBuf {
    let n = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("{TEMP_PREFIX}{}-{n}{suffix}", std::process::id()))
}

/// The folder of `path` (`.` for a bare name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates a new temporary file in `dir`.
fn create_temp(dir: &Path) -> io::Result<(PathBuf, std::fs::File)> {
    let mut attempt = 0;
    loop {
        let tmp = temp_path(dir, TEMP_SUFFIX);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Removes the temporary and backup files that runs which are no longer alive left in
/// `dir` (a killed `render` or `golden accept`). Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

/// The process that wrote a temporary or backup file, from its name.
fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    let rest = rest
        .strip_suffix(TEMP_SUFFIX)
        .or_else(|| rest.strip_suffix(BACKUP_SUFFIX))?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u32>().ok()?;
    pid.parse().ok()
}

/// Whether a process with this id is running.
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Whether a process with this id is running (assumed so where it cannot be asked).
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Writes `bytes` to `path` so that a reader (or an interrupted run) sees the old file or the
/// new one, never half of one: a temporary file in the same folder, then a rename. The folder
/// must exist (see [`write_atomic_creating_dirs`]).
///
/// A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
/// written to directly: renaming over it would replace the device with a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Writes `bytes` to standard output and flushes it. Returns `false` when the reader has
/// gone away (`| head`): that is the reader's choice, not a failure. Any other failure (a
/// full disk, a closed descriptor) is an error naming standard output.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<bool> {
    let mut lock = io::stdout().lock();
    match lock.write_all(bytes).and_then(|()| lock.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to stdout")),
    }
}

/// A file written in pieces that appears at its path only when [`AtomicFile::commit`]
/// succeeds (see [`write_atomic`]); dropped without a commit, it leaves nothing behind.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    /// The temporary file, or `None` when writing straight to a device.
    tmp: Option<PathBuf>,
    file: Option<std::fs::File>,
}

impl AtomicFile {
    /// Creates the temporary file beside `path` (or opens `path` itself when it is a
    /// device or pipe).
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                tmp: None,
                file: Some(file),
            });
        }
        if path.file_name().is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path names no file",
            ));
        }
        let dir = parent_dir(path);
        // What a killed run left here goes now; a failure to tidy up is not this write's.
        let _ = remove_stale_temps(&dir);
        let (tmp, file) = create_temp(&dir)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            file: Some(file),
        })
    }

    /// Closes the file and moves it into place.
    pub fn commit(mut self) -> io::Result<()> {
        drop(self.file.take());
        match self.tmp.take() {
            None => Ok(()),
            Some(tmp) => std::fs::rename(&tmp, &self.path).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            }),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("the file is already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// [`write_atomic`], creating the missing folders of `path` first (for output trees).
pub fn write_atomic_creating_dirs(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    write_atomic(path, bytes)
}

/// Why a [`WriteSet`] changed nothing: the path that failed and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}; nothing was written, the old files are unchanged", path.display())]
pub struct WriteError {
    /// The file or folder that failed.
    pub path: PathBuf,
    /// What went wrong, and how to fix it where that is known.
    pub problem: String,
}

impl WriteError {
    fn io(path: &Path, action: &str, e: &io::Error) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            problem: format!("cannot {action}: {e}"),
        }
    }
}

/// Files to write and remove under one folder, all at once or not at all: every new file
/// is first written to a temporary file beside its target and every file replaced or
/// removed is kept as a backup (a hard link); only then are the temporary files renamed
/// into place. A failure at any step (a read-only folder, a full disk, a file where a
/// folder should be) puts the backups back, so the folder holds the old set, and names the
/// path that failed. Nothing is written through a symbolic link that leads outside the
/// folder. Files that a killed run left behind are removed from the folders written to.
#[derive(Debug)]
pub struct WriteSet {
    root: PathBuf,
    /// Path relative to the root -> the new bytes, or `None` to remove the file.
    changes: std::collections::BTreeMap<PathBuf, Option<Vec<u8>>>,
}

impl WriteSet {
    /// An empty set of changes under `root` (created when missing).
    pub fn new(root: impl Into<PathBuf>) -> WriteSet {
        WriteSet {
            root: root.into(),
            changes: Default::default(),
        }
    }

    /// Writes `bytes` to `rel` (relative to the root), creating its folders.
    pub fn write(&mut self, rel: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.changes.insert(rel.into(), Some(bytes.into()));
    }

    /// Removes `rel` (relative to the root), and the folders it leaves empty below the root.
    pub fn remove(&mut self, rel: impl Into<PathBuf>) {
        self.changes.insert(rel.into(), None);
    }

    /// Makes every change, or none.
    pub fn commit(self) -> Result<(), WriteError> {
        let mut tx = Transaction::default();
        if let Err(e) = self.prepare(&mut tx) {
            tx.undo();
            return Err(e);
        }
        tx.apply(&self.root)
    }

    /// Writes the temporary files and the backups; changes nothing a reader sees.
    fn prepare(&self, tx: &mut Transaction) -> Result<(), WriteError> {
        create_dirs(&self.root, &mut tx.created_dirs)?;
        let real_root = self
            .root
            .canonicalize()
            .map_err(|e| WriteError::io(&self.root, "resolve the folder", &e))?;
        let mut cleaned = std::collections::BTreeSet::new();
        for (rel, bytes) in &self.changes {
            let dest = self.root.join(rel);
            check_no_link_outside(&self.root, &real_root, rel)?;
            let dir = parent_dir(&dest);
            let existing = match std::fs::symlink_metadata(&dest) {
                Ok(meta) => Some(meta),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) if e.raw_os_error() == Some(NOT_A_DIRECTORY) => {
                    return Err(file_where_folder_should_be(&self.root, rel));
                }
                Err(e) => return Err(WriteError::io(&dest, "read", &e)),
            };
            if bytes.is_none() && existing.is_none() {
                continue;
            }
            if existing.as_ref().is_some_and(|m| m.is_dir()) {
                return Err(WriteError {
                    path: dest,
                    problem: "is a folder where a file should be; move it away".into(),
                });
            }
            if bytes.is_some() {
                create_dirs(&dir, &mut tx.created_dirs)?;
            }
            if cleaned.insert(dir.clone()) {
                remove_stale_temps(&dir).map_err(|e| WriteError::io(&dir, "list", &e))?;
            }
            let mut staged = Staged {
                dest: dest.clone(),
                tmp: None,
                backup: None,
                done: false,
            };
            if existing.is_some() {
                let backup = temp_path(&dir, BACKUP_SUFFIX);
                std::fs::hard_link(&dest, &backup)
                    .or_else(|_| std::fs::copy(&dest, &backup).map(drop))
                    .map_err(|e| WriteError::io(&dest, "keep a copy of the old file", &e))?;
                staged.backup = Some(backup);
            }
            if let Some(bytes) = bytes {
                let written = create_temp(&dir).and_then(|(tmp, mut file)| {
                    staged.tmp = Some(tmp);
                    file.write_all(bytes)?;
                    file.flush()
                });
                if let Err(e) = written {
                    tx.staged.push(staged);
                    return Err(WriteError::io(&dest, "write", &e));
                }
            }
            tx.staged.push(staged);
        }
        Ok(())
    }
}

/// `ENOTDIR`: a path goes through a file.
#[cfg(unix)]
const NOT_A_DIRECTORY: i32 = libc::ENOTDIR;
#[cfg(not(unix))]
const NOT_A_DIRECTORY: i32 = 267;

/// The error for `rel` going through a file: names the file.
fn file_where_folder_should_be(root: &Path, rel: &Path) -> WriteError {
    let mut path = root.to_path_buf();
    for component in rel.components() {
        path.push(component);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
            break;
        }
    }
    WriteError {
        path,
        problem: "is a file where a folder should be; move it away".into(),
    }
}

/// Creates `dir` and its missing parents, recording each folder created (so that a failed
/// write removes them again); a file in the way is named.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), WriteError> {
    let mut missing = Vec::new();
    for ancestor in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match std::fs::metadata(ancestor) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => {
                return Err(WriteError {
                    path: ancestor.to_path_buf(),
                    problem: "is a file where a folder should be; move it away".into(),
                });
            }
            Err(_) => missing.push(ancestor),
        }
    }
    for folder in missing.into_iter().rev() {
        match std::fs::create_dir(folder) {
            Ok(()) => created.push(folder.to_path_buf()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(e) => return Err(WriteError::io(folder, "create the folder", &e)),
        }
    }
    Ok(())
}

/// Refuses `rel` when a part of it under `root` is a symbolic link that leads outside the
/// root (or nowhere).
fn check_no_link_outside(root: &Path, real_root: &Path, rel: &Path) -> Result<(), WriteError> {
    let mut path = root.to_path_buf();
    for component in rel.components() {
        path.push(component);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if let Err(problem) = link_inside(&path, real_root) {
                    return Err(WriteError { path, problem });
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// Checks that the symbolic link at `link` resolves inside `real_root` (a canonical path);
/// otherwise says where it points and what to do.
pub fn link_inside(link: &Path, real_root: &Path) -> Result<(), String> {
    let target = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| "?".into());
    match link.canonicalize() {
        Ok(real) if real.starts_with(real_root) => Ok(()),
        Ok(real) => Err(format!(
            "is a symbolic link to {target} ({}), outside {}; replace the link with the file or \
             folder itself",
            real.display(),
            real_root.display()
        )),
        Err(_) => Err(format!(
            "is a symbolic link to {target}, which does not exist; remove the link or create \
             its target inside {}",
            real_root.display()
        )),
    }
}

/// One staged change of a [`WriteSet`].
#[derive(Debug)]
struct Staged {
    dest: PathBuf,
    /// The new content, written; `None` to remove the file.
    tmp: Option<PathBuf>,
    /// The old file, kept until the whole set is in place.
    backup: Option<PathBuf>,
    /// Whether the change has been made.
    done: bool,
}

/// The staged changes of a [`WriteSet`] and the folders it created.
#[derive(Debug, Default)]
struct Transaction {
    staged: Vec<Staged>,
    created_dirs: Vec<PathBuf>,
}

impl Transaction {
    /// Renames every temporary file into place and removes the files to remove; on a failure
    /// puts everything back.
    fn apply(mut self, root: &Path) -> Result<(), WriteError> {
        for i in 0..self.staged.len() {
            let staged = &self.staged[i];
            let result = match &staged.tmp {
                Some(tmp) => std::fs::rename(tmp, &staged.dest),
                None => std::fs::remove_file(&staged.dest),
            };
            if let Err(e) = result {
                let err = WriteError::io(
                    &staged.dest,
                    if staged.tmp.is_some() {
                        "replace the file"
                    } else {
                        "remove the file"
                    },
                    &e,
                );
                self.undo();
                return Err(err);
            }
            self.staged[i].done = true;
        }
        for staged in &self.staged {
            if let Some(backup) = &staged.backup {
                let _ = std::fs::remove_file(backup);
            }
            if staged.tmp.is_none() {
                remove_empty_dirs(&parent_dir(&staged.dest), root);
            }
        }
        Ok(())
    }

    /// Puts back every change made, removes every temporary file and created folder.
    fn undo(&mut self) {
        for staged in self.staged.iter().rev() {
            if staged.done {
                match &staged.backup {
                    Some(backup) => {
                        let _ = std::fs::rename(backup, &staged.dest);
                    }
                    None => {
                        let _ = std::fs::remove_file(&staged.dest);
                    }
                }
            } else {
                if let Some(tmp) = &staged.tmp {
                    let _ = std::fs::remove_file(tmp);
                }
                if let Some(backup) = &staged.backup {
                    let _ = std::fs::remove_file(backup);
                }
            }
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Removes `dir` and its parents while they are empty, up to (not including) `root`.
fn remove_empty_dirs(dir: &Path, root: &Path) {
    let mut dir = dir.to_path_buf();
    while dir != root && dir.starts_with(root) && std::fs::remove_dir(&dir).is_ok() {
        if !dir.pop() {
            break;
        }
    }
}

/// An exclusive lock on a file, held until dropped: runs that write the same files take
/// turns.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

impl Lock {
    /// Takes the lock at `path` (creating the file), waiting while another process holds
    /// it; says so on stderr when it has to wait. `what` names the protected thing.
    pub fn acquire(path: &Path, what: &str) -> io::Result<Lock> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let fd = file.as_raw_fd();
            // SAFETY: flock on a descriptor this function owns.
            if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
                    return Err(e);
                }
                eprintln!(
                    "waiting for another shipshape run to finish with {what} (it holds {})",
                    path.display()
                );
                // SAFETY: as above; blocks until the other holder closes its descriptor.
                while unsafe { libc::flock(fd, libc::LOCK_EX) } != 0 {
                    let e = io::Error::last_os_error();
                    if e.kind() != io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
        Ok(Lock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_files_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.txt");
        assert!(
            write_atomic(&path, b"one").is_err(),
            "the folder does not exist yet"
        );
        write_atomic_creating_dirs(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_file_written_in_pieces_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"new, ").unwrap();
        file.write_all(b"in two pieces").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        file.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "new, in two pieces"
        );

        let mut abandoned = AtomicFile::create(&path).unwrap();
        abandoned.write_all(b"half").unwrap();
        drop(abandoned);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "new, in two pieces"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_not_replaced() {
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(!meta.is_file(), "/dev/null must stay a device");
    }

    #[test]
    fn a_name_that_fits_the_file_system_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{}.yaml", "n".repeat(250)));
        write_atomic(&path, b"long").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"long");
        let mut set = WriteSet::new(dir.path());
        set.write(path.file_name().unwrap(), "longer");
        set.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"longer");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_files_of_dead_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has id 4194304 (above Linux's pid_max) or this one's temporary names.
        let stale = dir.path().join(".shipshape-4194304-0.tmp");
        let backup = dir.path().join(".shipshape-4194304-1.old");
        let mine = temp_path(dir.path(), TEMP_SUFFIX);
        let other = dir.path().join(".shipshape-notes.tmp");
        for f in [&stale, &backup, &mine, &other] {
            std::fs::write(f, "x").unwrap();
        }
        assert_eq!(remove_stale_temps(dir.path()).unwrap(), 2);
        assert!(!stale.exists() && !backup.exists());
        assert!(mine.exists() && other.exists());
    }

    #[test]
    fn a_write_set_that_fails_part_way_leaves_the_old_set() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/one.yaml"), "old one").unwrap();
        std::fs::write(root.join("a/gone.yaml"), "old gone").unwrap();
        // A folder where the last file should be.
        std::fs::create_dir_all(root.join("z/two.yaml")).unwrap();
        let mut set = WriteSet::new(root);
        set.write("a/one.yaml", "new one");
        set.write("a/new.yaml", "new");
        set.write("b/c/three.yaml", "three");
        set.remove("a/gone.yaml");
        set.write("z/two.yaml", "new two");
        let err = set.commit().unwrap_err();
        assert_eq!(err.path, root.join("z/two.yaml"));
        assert!(err.to_string().contains("a folder where a file should be"));
        assert_eq!(
            std::fs::read_to_string(root.join("a/one.yaml")).unwrap(),
            "old one"
        );
        assert!(root.join("a/gone.yaml").exists());
        assert!(!root.join("a/new.yaml").exists());
        assert!(
            !root.join("b").exists(),
            "folders created for the set are removed"
        );
        assert_eq!(std::fs::read_dir(root.join("a")).unwrap().count(), 2);
    }

    #[test]
    fn a_failed_rename_puts_the_replaced_files_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "old a").unwrap();
        std::fs::write(root.join("b.yaml"), "old b").unwrap();
        let mut set = WriteSet::new(root);
        set.write("a.yaml", "new a");
        set.remove("b.yaml");
        set.write("c.yaml", "new c");
        let mut tx = Transaction::default();
        set.prepare(&mut tx).unwrap();
        // The last change fails after the others were made: its temporary file is gone.
        std::fs::remove_file(tx.staged[2].tmp.as_ref().unwrap()).unwrap();
        let err = tx.apply(root).unwrap_err();
        assert_eq!(err.path, root.join("c.yaml"));
        assert_eq!(
            std::fs::read_to_string(root.join("a.yaml")).unwrap(),
            "old a"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("b.yaml")).unwrap(),
            "old b"
        );
        assert_eq!(std::fs::read_dir(root).unwrap().count(), 2);
    }

    #[test]
    fn a_file_where_a_folder_should_be_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app"), "a file").unwrap();
        let mut set = WriteSet::new(dir.path());
        set.write("app/env/out.yaml", "x");
        let err = set.commit().unwrap_err();
        assert_eq!(err.path, dir.path().join("app"));
        assert!(err.to_string().contains("a file where a folder should be"));
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_through_a_link_leading_outside() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("app")).unwrap();
        let mut set = WriteSet::new(dir.path());
        set.write("app/out.yaml", "x");
        let err = set.commit().unwrap_err();
        assert_eq!(err.path, dir.path().join("app"));
        assert!(err.to_string().contains("is a symbolic link to"), "{err}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
}
