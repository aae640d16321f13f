"""Where QTI files come from: a folder (files side by side) or a content package (a zip).

Every name is a path relative to the root of the folder or package. A reference that leaves it
(`../`, an absolute path, a URL) is never followed. A package is read within limits: entries,
bytes per file and bytes in all, read up to the limit whatever the zip claims (zip bombs).
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hallserver.errors import Invalid

MAX_ENTRIES = 10_000
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_PACKAGE_BYTES = 512 * 1024 * 1024


def resolve(base: str, href: str) -> str | None:
    """`href` as written in the file `base`, as a name in the package; None if it leaves it."""
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(parts.path)))
    if joined.startswith("../") or joined in ("..", "."):
        return None
    return joined


class Source:
    """Files of one folder or package, by name."""

    label: str

    def read(self, name: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The file's bytes; None if there is no such file; Invalid past `limit`."""
        raise NotImplementedError

    def names(self) -> list[str]:
        """Every file name, sorted."""
        raise NotImplementedError

    def close(self) -> None:
        """Releases the source."""


class FolderSource(Source):
    """The folder of a file given on the command line."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = str(root)

    def read(self, name: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The file's bytes, if it is inside the folder."""
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        if path.stat().st_size > limit:
            raise Invalid(f"{name} is larger than {limit // 2**20} MB; the hall does not read it.")
        return path.read_bytes()

    def names(self) -> list[str]:
        """Files of the folder itself (not below it)."""
        return sorted(p.name for p in self.root.iterdir() if p.is_file())


class ZipSource(Source):
    """A content package."""

    def __init__(self, path: Path) -> None:
        self.label = path.name
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as err:
            raise Invalid(f"{path.name} is not a readable zip file: {err}") from err
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise Invalid(f"{path.name} holds {len(infos)} files; a package may hold {MAX_ENTRIES}.")
        if sum(info.file_size for info in infos) > MAX_PACKAGE_BYTES:
            raise Invalid(f"{path.name} unpacks to more than {MAX_PACKAGE_BYTES // 2**20} MB.")
        self._entries = {posixpath.normpath(i.filename): i for i in infos if not i.is_dir()}

    def read(self, name: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The entry's bytes, read no further than `limit`."""
        info = self._entries.get(name)
        if info is None:
            return None
        try:
            with self._zip.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as err:
            raise Invalid(f"{self.label}: {name} cannot be read from the package: {err}") from err
        if len(data) > limit:
            raise Invalid(f"{self.label}: {name} unpacks to more than {limit // 2**20} MB.")
        return data

    def names(self) -> list[str]:
        """Every entry of the package."""
        return sorted(self._entries)

    def close(self) -> None:
        """Closes the zip file."""
        self._zip.close()
