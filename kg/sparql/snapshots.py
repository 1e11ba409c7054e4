"""A store directory as a series of snapshots: a build writes a copy and swaps it in.

Why: Oxigraph's bulk loader, which a build needs for speed, is not
transactional, and a reader that opens a RocksDB directory while another
process writes it may see anything. Measured on a 100-article store, a
rebuild in place that is killed leaves 28 to 100 articles missing, and a
``kg query`` run meanwhile sees 100, 19, 0, 112 then 400 named graphs. So a
``kg build --store DIR`` never writes the database readers open:

* ``DIR/kg-current`` is a symbolic link to the snapshot readers open,
  ``DIR/kg-gen-N/``, which holds the database (``db/``) and the key of each
  article graph (``article-keys.json``, see :mod:`kg.sparql.store`);
* a build takes ``DIR/kg-build.lock`` (an advisory lock the kernel drops
  when the process dies, even by ``kill -9``; the file names its pid), makes
  ``kg-gen-N+1`` a checkpoint of the current snapshot (hard links to
  RocksDB's immutable table files: a few milliseconds whatever the size),
  writes the new articles into it, compacts it, writes the article keys
  last, and then replaces the link with ``rename(2)``, which is atomic;
* a build killed before the rename leaves an unfinished snapshot that no
  reader opens and the next build deletes; killed after it, the new state
  is complete. Either way readers see the old state or the new one.

The snapshot before the current one is kept until the next build, so a
reader that opened it just before a swap can finish its query. A store
written by an older kg (the database right in ``DIR``) is read as it is and
moved into a snapshot by the next build.

Why not the alternatives: Oxigraph's transactions (``Store.load``,
``extend``) keep a whole rebuild's writes in memory and give up the bulk
loader; loading new article graphs before dropping the old ones would still
show readers a default graph (the union) half updated; and neither makes it
safe for another process to open the database being written, which
Oxigraph documents as undefined. The copy costs hard links (a 60-article
store: a rebuild takes about 1.9 s with it, as without it) and, while the
build runs, the disk space of what it rewrites.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

CURRENT_LINK = "kg-current"
LOCK_FILE = "kg-build.lock"
SNAPSHOT_PREFIX = "kg-gen-"
DATABASE = "db"
KEYS_FILE = "article-keys.json"
#: Where an older kg kept the article keys: beside the database, in the store directory.
LEGACY_KEYS_FILE = "kg-article-keys.json"
_SNAPSHOT = re.compile(re.escape(SNAPSHOT_PREFIX) + r"(\d+)$")
#: Names of the files RocksDB writes in its directory (a store of an older kg, right in DIR).
_ROCKSDB_FILE = re.compile(
    r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))$"
)


class StoreInUseError(OSError):
    """Another kg build holds the store's lock."""


def current_snapshot(path: str | os.PathLike[str]) -> Path | None:
    """The snapshot directory readers of the store ``path`` open; None for a store of an older kg."""
    try:
        target = os.readlink(Path(path) / CURRENT_LINK)
    except OSError:
        return None
    return Path(path) / target


def database_directory(path: str | os.PathLike[str]) -> Path:
    """The RocksDB directory of the store ``path``: its current snapshot's, or ``path`` itself (older kg)."""
    snapshot = current_snapshot(path)
    return snapshot / DATABASE if snapshot is not None else Path(path)


def keys_path(path: str | os.PathLike[str]) -> Path:
    """The file of the article keys of the store ``path``'s current state."""
    snapshot = current_snapshot(path)
    return snapshot / KEYS_FILE if snapshot is not None else Path(path) / LEGACY_KEYS_FILE


def is_kg_file(name: str) -> bool:
    """Whether ``name``, in a store directory, is one of kg's own files (not the user's, not RocksDB's)."""
    return name.startswith("kg-")


def _snapshots(path: Path) -> dict[int, Path]:
    found = {}
    for entry in path.iterdir():
        match = _SNAPSHOT.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            found[int(match.group(1))] = entry
    return found


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- The build lock -----------------------------------------------------------------------


class BuildLock:
    """``DIR/kg-build.lock``, locked with ``flock(2)``: one build per store, the holder's pid inside.

    The kernel releases a ``flock`` when its process dies, however it dies,
    so a killed build never leaves a store locked; the file itself stays.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.file = Path(path) / LOCK_FILE
        self.fd = os.open(self.file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(self.fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(self.fd)
            raise StoreInUseError(
                errno.EBUSY, f"the store is being written by another kg build (pid {holder})", str(path)
            ) from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode("ascii"), 0)

    def release(self) -> None:
        if self.fd >= 0:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = -1


# --- A build's snapshot -------------------------------------------------------------------


@dataclass
class Snapshot:
    """The next state of a store, written aside and swapped in by :meth:`commit`."""

    root: Path
    directory: Path
    lock: BuildLock
    store: ox.Store | None = None

    @property
    def keys_file(self) -> Path:
        return self.directory / KEYS_FILE

    @classmethod
    def begin(cls, path: str | os.PathLike[str]) -> Snapshot:
        """Lock the store ``path`` (created if missing) and open a copy of its current state to write."""
        root = Path(path)
        _check_store_directory(root)
        root.mkdir(parents=True, exist_ok=True)
        lock = BuildLock(root)
        try:
            return cls._copy_current(root, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _copy_current(cls, root: Path, lock: BuildLock) -> Snapshot:
        current = current_snapshot(root)
        snapshots = _snapshots(root)
        newest_done = _number(current.name) if current is not None else 0
        for number, folder in snapshots.items():
            if number > newest_done:  # unfinished: its build was killed before the swap
                shutil.rmtree(folder)
        directory = root / f"{SNAPSHOT_PREFIX}{max(snapshots, default=0) + 1:06d}"
        directory.mkdir()
        if current is not None:
            _checkpoint(current / DATABASE, directory / DATABASE)
        elif (root / "CURRENT").is_file():  # a store of an older kg, right in the directory
            older = ox.Store(str(root))
            older.flush()
            older.backup(str(directory / DATABASE))
            del older
            legacy_keys = root / LEGACY_KEYS_FILE
            if legacy_keys.is_file():
                shutil.copyfile(legacy_keys, directory / KEYS_FILE)
        store = ox.Store(str(directory / DATABASE))
        return cls(root, directory, lock, store)

    def commit(self) -> None:
        """Make this snapshot the store's state (one atomic rename), then drop the ones before the last."""
        assert self.store is not None, "begin() first"
        self.store.flush()
        self.store = None  # closes the database: every write is on disk before the swap
        _fsync_directory(self.directory / DATABASE)
        _fsync_directory(self.directory)
        previous = current_snapshot(self.root)
        link = self.root / f"{CURRENT_LINK}.{os.getpid()}.tmp"
        if link.is_symlink():
            link.unlink()
        os.symlink(self.directory.name, link)
        os.replace(link, self.root / CURRENT_LINK)
        _fsync_directory(self.root)
        keep = {self.directory.name} | ({previous.name} if previous is not None else set())
        for folder in _snapshots(self.root).values():
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
        _remove_legacy_database(self.root)
        self.lock.release()

    def abandon(self) -> None:
        """Drop this snapshot unfinished (a build that failed): the store keeps its state."""
        self.store = None
        shutil.rmtree(self.directory, ignore_errors=True)
        self.lock.release()


def _number(name: str) -> int:
    match = _SNAPSHOT.match(name)
    return int(match.group(1)) if match else 0


def _check_store_directory(root: Path) -> None:
    """Refuse a file, or a non-empty directory that holds no store (a mistyped ``--store ~/Documents``)."""
    if not root.exists():
        return
    if not root.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "a graph store is a directory, not a file", str(root))
    names = [entry.name for entry in root.iterdir() if not is_kg_file(entry.name)]
    if names and not (root / "CURRENT").is_file():
        raise FileExistsError(errno.EEXIST, "directory is not empty and holds no graph store", str(root))


def _checkpoint(source: Path, target: Path) -> None:
    """A copy of the closed RocksDB ``source``: hard links to its table files, copies of the rest.

    What RocksDB's own checkpoint does, without opening ``source`` for writing
    (opening it would rewrite its manifest under the readers' feet). Table
    files are never modified once written, so sharing them is safe; the
    manifest, the write-ahead log and the small files are copied.
    """
    target.mkdir()
    for entry in source.iterdir():
        if entry.name == "LOCK" or entry.name.startswith("LOG"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name)
        elif entry.name.endswith((".sst", ".blob")):
            os.link(entry, target / entry.name)
        else:
            shutil.copy2(entry, target / entry.name)


def _remove_legacy_database(root: Path) -> None:
    """The database of an older kg, right in the store directory, once a snapshot replaces it."""
    for entry in root.iterdir():
        if entry.is_file() and (_ROCKSDB_FILE.match(entry.name) or entry.name == LEGACY_KEYS_FILE):
            entry.unlink()
