# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The C fast path of :mod:`cadee.yamlload` (optional; built when a compiler and
libyaml's headers are present, see ``hatch_build.py``).

It reads libyaml's events straight from C, without the Python event and mark
objects that ``yaml._yaml.CParser`` creates for every node, and builds the very
same ``YMap``/``YSeq`` tree with the same 1-based positions. It handles only
*clean* documents: the moment it meets anything that may need a diagnostic or
special treatment (a syntax or encoding error, a tag, an anchor or alias, a
merge key, a duplicate or non-string key, a second document, a limit) it stops
and answers ``(False, None)``; the pure-Python loader then reads the file again
and stays the single source of every error message. Plain scalars that may be
something other than a string are resolved by the Python resolver passed in,
so YAML 1.1 typing (``yes``, ``1:30``, ``2026-01-01``) has one implementation.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem, PyDict_Size
from cpython.list cimport PyList_Append
from cpython.ref cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint32_t
from libc.stdlib cimport calloc, free, realloc
from libc.string cimport memcpy


cdef extern from "yaml.h":
    ctypedef enum yaml_event_type_t:
        YAML_NO_EVENT
        YAML_STREAM_START_EVENT
        YAML_STREAM_END_EVENT
        YAML_DOCUMENT_START_EVENT
        YAML_DOCUMENT_END_EVENT
        YAML_ALIAS_EVENT
        YAML_SCALAR_EVENT
        YAML_SEQUENCE_START_EVENT
        YAML_SEQUENCE_END_EVENT
        YAML_MAPPING_START_EVENT
        YAML_MAPPING_END_EVENT

    ctypedef struct yaml_mark_t:
        size_t index
        size_t line
        size_t column

    ctypedef struct _scalar_data:
        unsigned char *anchor
        unsigned char *tag
        unsigned char *value
        size_t length
        int plain_implicit

    ctypedef struct _collection_start_data:
        unsigned char *anchor
        unsigned char *tag

    ctypedef union _event_data:
        _scalar_data scalar
        _collection_start_data sequence_start
        _collection_start_data mapping_start

    ctypedef struct yaml_event_t:
        yaml_event_type_t type
        _event_data data
        yaml_mark_t start_mark

    ctypedef struct yaml_parser_t:
        pass

    int yaml_parser_initialize(yaml_parser_t *parser)
    void yaml_parser_delete(yaml_parser_t *parser)
    void yaml_parser_set_input_string(yaml_parser_t *parser, const unsigned char *input, size_t size)
    int yaml_parser_parse(yaml_parser_t *parser, yaml_event_t *event) nogil
    void yaml_event_delete(yaml_event_t *event)
    const char *yaml_get_version_string()


def libyaml_version():
    """The version of the libyaml this module was linked against."""
    return yaml_get_version_string().decode("ascii")


cdef struct Frame:
    bint is_seq
    Py_ssize_t line      # where the container starts (1-based)
    Py_ssize_t column
    Py_ssize_t key_line  # where the pending key starts
    Py_ssize_t key_column
    # The container's positions as cadee.yamlload packs them (its line and column,
    # then 4 per key or 2 per item); the buffer is reused by the next container
    # opened at this depth and freed at the end.
    uint32_t *marks
    Py_ssize_t count
    Py_ssize_t capacity


cdef int _record(Frame *frame, Py_ssize_t a, Py_ssize_t b, Py_ssize_t c, Py_ssize_t d, int n) except -1:
    """Append n (2 or 4) positions; 1 when one does not fit in 32 bits (the loader then decides)."""
    cdef Py_ssize_t capacity
    cdef uint32_t *grown
    if a > 0xFFFFFFFF or b > 0xFFFFFFFF or c > 0xFFFFFFFF or d > 0xFFFFFFFF:
        return 1
    if frame.count + n > frame.capacity:
        capacity = max(16, 2 * frame.capacity, frame.count + n)
        grown = <uint32_t *>realloc(frame.marks, capacity * sizeof(uint32_t))
        if grown == NULL:
            raise MemoryError()
        frame.marks = grown
        frame.capacity = capacity
    frame.marks[frame.count] = <uint32_t>a
    frame.marks[frame.count + 1] = <uint32_t>b
    if n == 4:
        frame.marks[frame.count + 2] = <uint32_t>c
        frame.marks[frame.count + 3] = <uint32_t>d
    frame.count += n
    return 0


cdef bytes _packed(Frame *frame):
    """The positions as a container's ``_marks`` (see cadee.yamlload.pack_marks)."""
    cdef Py_ssize_t size = frame.count * <Py_ssize_t>sizeof(uint32_t)
    cdef bytes packed = PyBytes_FromStringAndSize(NULL, size + 1)
    cdef char *out = PyBytes_AS_STRING(packed)
    out[0] = c"I"
    memcpy(out + 1, frame.marks, size)
    return packed


def build(
    bytes data not None,
    Py_ssize_t max_depth,
    Py_ssize_t max_scalar_chars,
    dict cache not None,
    Py_ssize_t cache_limit,
    resolve_plain,
    bytes maybe_typed not None,
    ymap,
    yseq,
    unsupported,
):
    """Build the tree of one clean YAML document.

    ``cache`` maps plain scalar text to its value (shared with the resolver;
    up to ``cache_limit`` entries);
    ``resolve_plain(text)`` types a plain scalar and returns ``unsupported``
    when the fast path must give up (a merge key); ``maybe_typed`` is a
    256-byte table, non-zero at the first bytes that the YAML 1.1 resolver
    may read as something other than a string. Answers ``(True, root)`` or
    ``(False, None)``.
    """
    cdef bytes raw = data
    if len(maybe_typed) != 256:
        raise ValueError("maybe_typed must have 256 entries")
    cdef const unsigned char *typed = <const unsigned char *>PyBytes_AS_STRING(maybe_typed)

    cdef yaml_parser_t parser
    cdef yaml_event_t event
    # Deeper documents are left to the Python loader: the limit is configurable, and
    # PyYAML's own libyaml (0.2.6+) refuses about 1,000 levels (block levels count
    # slightly differently from flow levels) where an older system libyaml, which this
    # module may be linked against, does not. 512 stays clear of both.
    cdef Py_ssize_t frame_count = min(max_depth, 512)
    cdef Frame *frames = <Frame *>calloc(frame_count + 1, sizeof(Frame))
    if frames == NULL:
        raise MemoryError()
    if not yaml_parser_initialize(&parser):
        free(frames)
        raise MemoryError()
    yaml_parser_set_input_string(
        &parser, <const unsigned char *>PyBytes_AS_STRING(raw), <size_t>PyBytes_GET_SIZE(raw)
    )

    # Per open container: the container, where its keys or items are recorded,
    # and the pending key of a mapping (None while the next scalar is a key).
    cdef list containers = []
    cdef list keys = []
    cdef Py_ssize_t depth = 0
    cdef Py_ssize_t line, column
    cdef int documents = 0
    cdef bint ok = False
    cdef bint have_event = False
    cdef yaml_event_type_t kind
    cdef PyObject *cached
    cdef Frame *frame
    cdef unsigned char first
    cdef object root = None
    cdef object value, key, container
    cdef Py_ssize_t index

    try:
        while True:
            if not yaml_parser_parse(&parser, &event):
                break  # a syntax or encoding error: the full loader reports it
            have_event = True
            kind = event.type
            line = <Py_ssize_t>event.start_mark.line + 1
            column = <Py_ssize_t>event.start_mark.column + 1

            if kind == YAML_SCALAR_EVENT:
                if event.data.scalar.anchor != NULL or event.data.scalar.tag != NULL:
                    break
                # Bytes bound characters from above; the loader decides near the limit.
                if <Py_ssize_t>event.data.scalar.length > max_scalar_chars:
                    break
                value = PyUnicode_DecodeUTF8(
                    <const char *>event.data.scalar.value, <Py_ssize_t>event.data.scalar.length, "strict"
                )
                if event.data.scalar.plain_implicit:
                    cached = PyDict_GetItem(cache, value)
                    if cached != NULL:
                        value = <object>cached
                    else:
                        first = event.data.scalar.value[0] if event.data.scalar.length else 0
                        if event.data.scalar.length == 0 or typed[first]:
                            value = resolve_plain(value)  # caches it
                            if value is unsupported:
                                break
                        elif PyDict_Size(cache) < cache_limit:
                            # Share one object per repeated text, as the Python loader does.
                            PyDict_SetItem(cache, value, value)
            elif kind == YAML_MAPPING_START_EVENT or kind == YAML_SEQUENCE_START_EVENT:
                if kind == YAML_MAPPING_START_EVENT:
                    if event.data.mapping_start.anchor != NULL or event.data.mapping_start.tag != NULL:
                        break
                elif event.data.sequence_start.anchor != NULL or event.data.sequence_start.tag != NULL:
                    break
                if depth >= frame_count:
                    break
                frame = &frames[depth]
                frame.is_seq = kind == YAML_SEQUENCE_START_EVENT
                frame.line = line
                frame.column = column
                frame.count = 0
                if _record(frame, line, column, 0, 0, 2):
                    break
                # Positions are set when the container closes; no __init__ call.
                container = yseq.__new__(yseq) if frame.is_seq else ymap.__new__(ymap)
                PyList_Append(containers, container)
                PyList_Append(keys, None)
                depth += 1
                yaml_event_delete(&event)
                have_event = False
                continue
            elif kind == YAML_MAPPING_END_EVENT or kind == YAML_SEQUENCE_END_EVENT:
                depth -= 1
                value = containers.pop()
                keys.pop()
                value._marks = _packed(&frames[depth])
                line = frames[depth].line
                column = frames[depth].column
            elif kind == YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1:
                    break
                yaml_event_delete(&event)
                have_event = False
                continue
            elif kind == YAML_STREAM_END_EVENT:
                ok = True
                break
            elif kind == YAML_ALIAS_EVENT:
                break
            else:  # stream and document starts/ends carry nothing
                yaml_event_delete(&event)
                have_event = False
                continue
            yaml_event_delete(&event)
            have_event = False

            # Add the finished node (scalar or container) to its parent.
            if depth == 0:
                root = value
                continue
            frame = &frames[depth - 1]
            if frame.is_seq:
                PyList_Append(<list>containers[depth - 1], value)
                if _record(frame, line, column, 0, 0, 2):
                    break
                continue
            key = keys[depth - 1]
            if key is None:
                if type(value) is not str:
                    break  # a key typed as bool/int/..., or a mapping as a key
                keys[depth - 1] = value
                frame.key_line = line
                frame.key_column = column
                continue
            container = containers[depth - 1]
            if key in <dict>container:
                break  # a duplicate key
            PyDict_SetItem(<dict>container, key, value)
            if _record(frame, frame.key_line, frame.key_column, line, column, 4):
                break
            keys[depth - 1] = None
    finally:
        if have_event:
            yaml_event_delete(&event)
        yaml_parser_delete(&parser)
        for index in range(frame_count + 1):
            free(frames[index].marks)
        free(frames)
    if ok:
        return True, root
    return False, None
