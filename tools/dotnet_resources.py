"""Reads the manifest resources embedded in a .NET assembly (a PE file), in pure Python.

The path to them (ECMA-335 partition II): PE headers -> the CLI header (data directory 14) -> the metadata root
("BSJB") -> the #~ table stream -> the ManifestResource table (0x28), whose rows name each resource and give its
offset into the resources area the CLI header points at; there each resource is a 4-byte little-endian length followed
by its bytes. Reaching table 0x28 means knowing the row size of every table before it, so the column layout of
tables 0x00-0x27 is spelled out below (II.22); row counts of the later tables matter only for coded-index widths.
"""
from __future__ import annotations

import struct
from typing import Iterator, Union

Buffer = Union[bytes, bytearray, memoryview]

# Coded indexes (II.24.2.6): the tables each may point at, in tag order (None marks an unused tag).
_CODED: dict[str, tuple[int | None, ...]] = {
    "TypeDefOrRef": (0x02, 0x01, 0x1B),
    "HasConstant": (0x04, 0x08, 0x17),
    "HasCustomAttribute": (0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x00, 0x0E, 0x17, 0x14, 0x11, 0x1A, 0x1B, 0x20,
                           0x23, 0x26, 0x27, 0x28, 0x2A, 0x2C, 0x2B),
    "HasFieldMarshal": (0x04, 0x08),
    "HasDeclSecurity": (0x02, 0x06, 0x20),
    "MemberRefParent": (0x02, 0x01, 0x1A, 0x06, 0x1B),
    "HasSemantics": (0x14, 0x17),
    "MethodDefOrRef": (0x06, 0x0A),
    "MemberForwarded": (0x04, 0x06),
    "Implementation": (0x26, 0x23, 0x27),
    "CustomAttributeType": (None, None, 0x06, 0x0A, None),
    "ResolutionScope": (0x00, 0x1A, 0x23, 0x01),
    "TypeOrMethodDef": (0x02, 0x06),
}

# Column kinds per table: an int is a fixed width in bytes; "s"/"g"/"b" index the #Strings/#GUID/#Blob heaps;
# ("t", n) indexes table n; a str names a coded index.
_TABLES: dict[int, tuple[object, ...]] = {
    0x00: (2, "s", "g", "g", "g"),                                  # Module
    0x01: ("ResolutionScope", "s", "s"),                            # TypeRef
    0x02: (4, "s", "s", "TypeDefOrRef", ("t", 0x04), ("t", 0x06)),  # TypeDef
    0x03: (("t", 0x04),),                                           # FieldPtr
    0x04: (2, "s", "b"),                                            # Field
    0x05: (("t", 0x06),),                                           # MethodPtr
    0x06: (4, 2, 2, "s", "b", ("t", 0x08)),                         # MethodDef
    0x07: (("t", 0x08),),                                           # ParamPtr
    0x08: (2, 2, "s"),                                              # Param
    0x09: (("t", 0x02), "TypeDefOrRef"),                            # InterfaceImpl
    0x0A: ("MemberRefParent", "s", "b"),                            # MemberRef
    0x0B: (2, "HasConstant", "b"),                                  # Constant
    0x0C: ("HasCustomAttribute", "CustomAttributeType", "b"),       # CustomAttribute
    0x0D: ("HasFieldMarshal", "b"),                                 # FieldMarshal
    0x0E: (2, "HasDeclSecurity", "b"),                              # DeclSecurity
    0x0F: (2, 4, ("t", 0x02)),                                      # ClassLayout
    0x10: (4, ("t", 0x04)),                                         # FieldLayout
    0x11: ("b",),                                                   # StandAloneSig
    0x12: (("t", 0x02), ("t", 0x14)),                               # EventMap
    0x13: (("t", 0x14),),                                           # EventPtr
    0x14: (2, "s", "TypeDefOrRef"),                                 # Event
    0x15: (("t", 0x02), ("t", 0x17)),                               # PropertyMap
    0x16: (("t", 0x17),),                                           # PropertyPtr
    0x17: (2, "s", "b"),                                            # Property
    0x18: (2, ("t", 0x06), "HasSemantics"),                         # MethodSemantics
    0x19: (("t", 0x02), "MethodDefOrRef", "MethodDefOrRef"),        # MethodImpl
    0x1A: ("s",),                                                   # ModuleRef
    0x1B: ("b",),                                                   # TypeSpec
    0x1C: (2, "MemberForwarded", "s", ("t", 0x1A)),                 # ImplMap
    0x1D: (4, ("t", 0x04)),                                         # FieldRVA
    0x1E: (4, 4),                                                   # EncLog
    0x1F: (4,),                                                     # EncMap
    0x20: (4, 2, 2, 2, 2, 4, "b", "s", "s"),                        # Assembly
    0x21: (4,),                                                     # AssemblyProcessor
    0x22: (4, 4, 4),                                                # AssemblyOS
    0x23: (2, 2, 2, 2, 4, "b", "s", "s", "b"),                      # AssemblyRef
    0x24: (4, ("t", 0x23)),                                         # AssemblyRefProcessor
    0x25: (4, 4, 4, ("t", 0x23)),                                   # AssemblyRefOS
    0x26: (4, "s", "b"),                                            # File
    0x27: (4, 4, "s", "s", "Implementation"),                       # ExportedType
    0x28: (4, 4, "s", "Implementation"),                            # ManifestResource
}
_MANIFEST_RESOURCE = 0x28


class BadAssembly(ValueError):
    """The bytes are not a .NET assembly this reader understands (the message says which structure failed)."""


def _u16(b: Buffer, off: int) -> int:
    return struct.unpack_from("<H", b, off)[0]


def _u32(b: Buffer, off: int) -> int:
    return struct.unpack_from("<I", b, off)[0]


class _Image:
    """The PE file's sections, for turning RVAs into file offsets."""

    def __init__(self, data: Buffer) -> None:
        self.data = data
        if len(data) < 0x40 or bytes(data[:2]) != b"MZ":
            raise BadAssembly("no DOS header (MZ)")
        pe = _u32(data, 0x3C)
        if bytes(data[pe:pe + 4]) != b"PE\0\0":
            raise BadAssembly("no PE signature")
        coff = pe + 4
        n_sections, opt_size = _u16(data, coff + 2), _u16(data, coff + 16)
        opt = coff + 20
        magic = _u16(data, opt)
        dirs = opt + {0x10B: 96, 0x20B: 112}.get(magic, -1)
        if dirs < opt:
            raise BadAssembly(f"unknown optional header magic {magic:#x}")
        n_dirs = _u32(data, dirs - 4)
        if n_dirs <= 14:
            raise BadAssembly("no CLI header data directory: not a .NET assembly")
        self.cli_rva, self.cli_size = struct.unpack_from("<II", data, dirs + 14 * 8)
        if self.cli_rva == 0:
            raise BadAssembly("empty CLI header directory: not a .NET assembly")
        self.sections = []
        sec = opt + opt_size
        for i in range(n_sections):
            vsize, va, raw_size, raw_ptr = struct.unpack_from("<IIII", data, sec + 40 * i + 8)
            self.sections.append((va, max(vsize, raw_size), raw_ptr, raw_size))

    def offset(self, rva: int, size: int = 0) -> int:
        for va, vsize, raw_ptr, raw_size in self.sections:
            if va <= rva and rva + size <= va + vsize:
                if rva - va + size > raw_size:
                    break
                if raw_ptr + rva - va + size > len(self.data):
                    raise BadAssembly(f"RVA {rva:#x} (+{size}) lies past the end of the file: truncated")
                return raw_ptr + rva - va
        raise BadAssembly(f"RVA {rva:#x} (+{size}) lies in no section")


def _streams(data: Buffer, root: int) -> dict[str, tuple[int, int]]:
    if _u32(data, root) != 0x424A5342:
        raise BadAssembly("no metadata root signature (BSJB)")
    ver_len = _u32(data, root + 12)
    pos = root + 16 + ver_len
    n_streams = _u16(data, pos + 2)
    pos += 4
    out = {}
    for _ in range(n_streams):
        off, size = struct.unpack_from("<II", data, pos)
        end = bytes(data[pos + 8:pos + 8 + 32]).index(b"\0")
        name = bytes(data[pos + 8:pos + 8 + end]).decode("ascii")
        out[name] = (root + off, size)
        pos += 8 + (end + 4) // 4 * 4  # the name, its terminator, padded to 4
    return out


def _string(data: Buffer, heap: int, heap_size: int, index: int) -> str:
    if index >= heap_size:
        raise BadAssembly(f"#Strings index {index} out of range")
    end = bytes(data[heap + index:heap + heap_size]).index(b"\0")
    return bytes(data[heap + index:heap + index + end]).decode("utf-8")


def manifest_resources(data: Buffer) -> Iterator[tuple[str, memoryview]]:
    """Yields (name, bytes) for each resource embedded in the assembly (linked resources in other files are skipped).
    Raises BadAssembly for anything else, truncated files included."""
    try:
        yield from _manifest_resources(memoryview(data))
    except BadAssembly:
        raise
    except (struct.error, IndexError, ValueError) as e:  # ValueError: bytes.index found no terminator, bad UTF-8
        raise BadAssembly(f"truncated or malformed assembly: {e}") from None


def _manifest_resources(view: memoryview) -> Iterator[tuple[str, memoryview]]:
    img = _Image(view)
    cli = img.offset(img.cli_rva, 72)
    md_rva, md_size = struct.unpack_from("<II", view, cli + 8)
    res_rva, res_size = struct.unpack_from("<II", view, cli + 24)
    streams = _streams(view, img.offset(md_rva, md_size))
    tables_at = streams.get("#~", streams.get("#-"))
    if tables_at is None or "#Strings" not in streams:
        raise BadAssembly("metadata has no #~ or #Strings stream")
    pos = tables_at[0]
    heap_sizes = view[pos + 6]
    valid = struct.unpack_from("<Q", view, pos + 8)[0]
    pos += 24
    rows = {}
    for t in range(64):
        if valid >> t & 1:
            rows[t] = _u32(view, pos)
            pos += 4
    if heap_sizes & 0x40:  # an extra 4 bytes follow the row counts in some uncompressed (#-) streams
        pos += 4
    if _MANIFEST_RESOURCE not in rows:
        return
    unknown = [t for t in rows if t < _MANIFEST_RESOURCE and t not in _TABLES]
    if unknown:
        raise BadAssembly(f"unknown metadata tables {unknown}")

    def width(kind: object) -> int:
        if isinstance(kind, int):
            return kind
        if kind in ("s", "g", "b"):
            return 4 if heap_sizes & {"s": 1, "g": 2, "b": 4}[kind] else 2  # type: ignore[index]
        if isinstance(kind, tuple):
            return 4 if rows.get(kind[1], 0) >= 1 << 16 else 2
        targets = _CODED[kind]  # type: ignore[index]
        tag_bits = (len(targets) - 1).bit_length()
        most = max(rows.get(t, 0) for t in targets if t is not None)
        return 4 if most >= 1 << (16 - tag_bits) else 2

    for t in range(_MANIFEST_RESOURCE):
        pos += rows.get(t, 0) * sum(width(k) for k in _TABLES[t])
    cols = [width(k) for k in _TABLES[_MANIFEST_RESOURCE]]
    strings_at, strings_size = streams["#Strings"]
    res_base = img.offset(res_rva, res_size) if res_size else 0
    fmt = {2: "H", 4: "I"}
    for _ in range(rows[_MANIFEST_RESOURCE]):
        offset, _flags, name_index, impl = struct.unpack_from("<" + "".join(fmt[w] for w in cols), view, pos)
        pos += sum(cols)
        if impl != 0:  # lives in another file or assembly
            continue
        name = _string(view, strings_at, strings_size, name_index)
        if offset + 4 > res_size:
            raise BadAssembly(f"resource {name!r} starts past the resources area")
        length = _u32(view, res_base + offset)
        if offset + 4 + length > res_size:
            raise BadAssembly(f"resource {name!r} ({length} bytes) runs past the resources area")
        yield name, view[res_base + offset + 4:res_base + offset + 4 + length]
