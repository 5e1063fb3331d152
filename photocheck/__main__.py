"""`python -m photocheck` does what the `photocheck` command does."""

from .cli import run

if __name__ == "__main__":
    run()
