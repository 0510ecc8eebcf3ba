"""`python -m qa_service ...` is the same as `referendum-qa ...`."""

from .cli import cli

if __name__ == "__main__":
    cli(prog_name="referendum-qa")
