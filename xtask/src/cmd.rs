//! Small helpers for running commands and finding the workspace's folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (the folder of the top-level Cargo.toml).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Cargo's target folder: `CARGO_TARGET_DIR` if set, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        None => root().join("target"),
    }
}

/// Prints a step heading, so the output says what is happening.
pub fn step(text: &str) {
    println!("\n==> {text}");
}

/// `cargo` from the toolchain running this task, in the workspace root.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// `npx` with browser downloads switched off (this project uses the system's Chromium).
pub fn npx() -> Command {
    let mut command = Command::new("npx");
    command.env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    command
}

/// Runs `command` with inherited output; an error names the command and its exit status.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("could not start {}: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(command)))
    }
}

/// Runs `command` and returns its standard output, or `None` if it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `program` can be started from `PATH`.
pub fn exists(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Builds the debug binaries `bins` for the test tiers and returns their folder. With the same
/// targets as `cargo test --workspace` (`--tests --examples` beside the binaries), so that their
/// dependencies are the ones the Rust tests built, with the same features: built with
/// `--package` alone, the server compiled 176 units again and the example application 120.
pub fn build_test_binaries(bins: &[&str]) -> Result<PathBuf, String> {
    let mut build = cargo();
    build.args(["build", "--locked", "--workspace", "--tests", "--examples"]);
    for bin in bins {
        build.args(["--bin", bin]);
    }
    run(&mut build)?;
    Ok(target_dir().join("debug"))
}

/// The space free on the disk holding `path`, in GB, as `df` reports it.
pub fn free_gigabytes(path: &Path) -> Option<f64> {
    free_in_df_report(&output(Command::new("df").arg("-Pk").arg(path))?)
}

/// The "Available" column of `df -Pk`'s one filesystem line, in GB.
fn free_in_df_report(report: &str) -> Option<f64> {
    let line = report.lines().nth(1)?;
    let kilobytes: f64 = line.split_whitespace().nth(3)?.parse().ok()?;
    Some(kilobytes / 1e6)
}

/// Whether this process runs as root (then installs need no sudo and PostgreSQL runs as
/// the `postgres` user).
pub fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

/// An empty folder under the system's temporary folder (`<name>-<process id>`), removed with
/// everything in it when dropped, also when a step fails. A folder of that name left by an
/// interrupted run whose process id came round again is emptied first.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Result<TempDir, String> {
        let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_free_space_is_dfs_available_column() {
        let report = "Filesystem     1024-blocks      Used Available Capacity Mounted on\n\
                      /dev/vda         263174212  28144908 233144504      11% /\n";
        assert_eq!(free_in_df_report(report), Some(233.144504));
        assert_eq!(free_in_df_report("Filesystem 1024-blocks Used\n"), None);
        assert_eq!(free_in_df_report(""), None);
    }
}
