"""Exit codes of every `referendum-qa` command, one meaning each (documented in the README)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # a clean one-line error (click's ClickException), e.g. the embedder cannot load
    USAGE = 2  # a usage error (click's), or neither a corpus nor an index to work on
    # Some sources could not be read: `reindex` then replaces nothing (fix them, or
    # --skip-invalid); `import` writes the others.
    SOURCES_FAILED = 3
    BUILD_FAILED = 4  # `reindex`: the build or its verification failed, nothing replaced
